// Wall-clock times around daylight-saving changes and the instants an OSCAR server (Java's lenient
// calendar) means by them, written out as literals and checked against the system tz database
// with GNU date, so neither the facade's nor the simulator's zone code is its own oracle.
// A time in a spring-forward gap keeps the offset in force before it (02:30 is 03:30 daylight
// time); a time the fall-back repeats means its first, daylight-time pass.

export interface WallInstant { tz: string; local: string; instant: string; note: string }

export const WALL_INSTANTS: readonly WallInstant[] = [
  { tz: 'America/Toronto', local: '2024-03-10T01:59:59', instant: '2024-03-10T06:59:59Z', note: 'last second of EST' },
  { tz: 'America/Toronto', local: '2024-03-10T02:30:00', instant: '2024-03-10T07:30:00Z', note: '2024 spring gap' },
  { tz: 'America/Toronto', local: '2024-03-10T03:00:00', instant: '2024-03-10T07:00:00Z', note: 'first EDT minute' },
  { tz: 'America/Toronto', local: '2024-03-10', instant: '2024-03-10T05:00:00Z', note: 'midnight before the 2024 spring change' },
  { tz: 'America/Toronto', local: '2024-03-11', instant: '2024-03-11T04:00:00Z', note: 'midnight after the 2024 spring change' },
  { tz: 'America/Toronto', local: '2024-11-03T00:59:59', instant: '2024-11-03T04:59:59Z', note: 'before the 2024 overlap' },
  { tz: 'America/Toronto', local: '2024-11-03T01:30:00', instant: '2024-11-03T05:30:00Z', note: '2024 fall-back overlap, first pass' },
  { tz: 'America/Toronto', local: '2024-11-03T02:00:00', instant: '2024-11-03T07:00:00Z', note: 'after the 2024 overlap' },
  { tz: 'America/Toronto', local: '2026-03-08T02:30:00', instant: '2026-03-08T07:30:00Z', note: '2026 spring gap' },
  { tz: 'America/Toronto', local: '2026-03-08T03:00:00', instant: '2026-03-08T07:00:00Z', note: 'first EDT minute of 2026' },
  { tz: 'America/Toronto', local: '2026-11-01T01:30:00', instant: '2026-11-01T05:30:00Z', note: '2026 fall-back overlap, first pass' },
  { tz: 'America/Toronto', local: '2026-11-01T02:00:00', instant: '2026-11-01T07:00:00Z', note: 'after the 2026 overlap' },
  { tz: 'America/Toronto', local: '2024-07-01', instant: '2024-07-01T04:00:00Z', note: 'summer midnight' },
  { tz: 'Australia/Lord_Howe', local: '2024-10-06T02:15:00', instant: '2024-10-05T15:45:00Z', note: 'half-hour spring gap' },
  { tz: 'Australia/Lord_Howe', local: '2024-04-07T01:45:00', instant: '2024-04-06T14:45:00Z', note: 'half-hour overlap, first pass' },
  { tz: 'Europe/London', local: '2024-03-31T01:30:00', instant: '2024-03-31T01:30:00Z', note: 'spring gap at UTC+0' },
  { tz: 'Europe/London', local: '2024-10-27T01:30:00', instant: '2024-10-27T00:30:00Z', note: 'overlap, first pass (BST)' },
  { tz: 'Asia/Kolkata', local: '2024-03-10T02:30:00', instant: '2024-03-09T21:00:00Z', note: 'no DST, half-hour offset' },
];

export interface InstantWall { tz: string; instant: string; xs: string }

/** Instants and the xs:dateTime JAXB prints for them in the zone (the offset in force at each). */
export const INSTANT_WALLS: readonly InstantWall[] = [
  { tz: 'America/Toronto', instant: '2024-03-10T06:59:59.999Z', xs: '2024-03-10T01:59:59.999-05:00' },
  { tz: 'America/Toronto', instant: '2024-03-10T07:00:00Z', xs: '2024-03-10T03:00:00-04:00' },
  { tz: 'America/Toronto', instant: '2024-11-03T05:30:00Z', xs: '2024-11-03T01:30:00-04:00' },
  { tz: 'America/Toronto', instant: '2024-11-03T06:30:00Z', xs: '2024-11-03T01:30:00-05:00' },
  { tz: 'America/Toronto', instant: '2026-03-08T07:00:00Z', xs: '2026-03-08T03:00:00-04:00' },
  { tz: 'America/Toronto', instant: '2026-11-01T05:59:59Z', xs: '2026-11-01T01:59:59-04:00' },
  { tz: 'America/Toronto', instant: '2026-11-01T06:00:00Z', xs: '2026-11-01T01:00:00-05:00' },
  { tz: 'Australia/Lord_Howe', instant: '2024-10-05T15:30:00Z', xs: '2024-10-06T02:30:00+11:00' },
  { tz: 'Australia/Lord_Howe', instant: '2024-04-06T15:15:00Z', xs: '2024-04-07T01:45:00+10:30' },
  { tz: 'Europe/London', instant: '2024-03-31T01:30:00Z', xs: '2024-03-31T02:30:00+01:00' },
  { tz: 'Asia/Kolkata', instant: '2024-03-10T00:00:00Z', xs: '2024-03-10T05:30:00+05:30' },
  { tz: 'UTC', instant: '2024-03-10T07:00:00Z', xs: '2024-03-10T07:00:00+00:00' },
];
