// One holder of a role per clinic across instances (the change-feed poller: one instance polls
// OSCAR, every instance's cache is told through the invalidation bus).

export interface Leadership {
  /**
   * Whether this instance holds `role` now, taking it when nobody does. Asked before each round
   * of the role's work; a holder that dies gives the role up on its own.
   */
  leads(role: string): Promise<boolean>;
}
