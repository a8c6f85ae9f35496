// Name, place and phrase lists for the synthetic clinic. Deliberately Canadian and varied:
// French and other accented names, apostrophes, hyphens, multi-word surnames, Vietnamese
// diacritics — the characters that break naive encoders, searches and OAuth signing (contract 2.4).
// Every person here is invented.

export const FEMALE_FIRST = [
  'MARIE', 'HÉLÈNE', 'ZOË', 'CHLOÉ', 'AMÉLIE', 'SOPHIE', 'OLIVIA', 'EMMA', 'CHARLOTTE', 'MAUDE',
  'GENEVIÈVE', 'NOÉMIE', 'PRIYA', 'MEI', 'FATIMA', 'AÏSHA', 'SIOBHÁN', 'INGRID', 'ANNE-MARIE', 'LÉA',
  'ÉLODIE', 'KATERINA', 'MAYA', 'HANNAH', 'ISABELLE', 'NATHALIE', 'CHANTAL', 'JOSÉE', 'LINH', 'THẢO',
  'GURPREET', 'AALIYAH', 'SARAH', 'EMILY', 'JESSICA', 'MARGARET', 'DOROTHY', 'RUTH', 'BÉATRICE', 'MÉLANIE',
] as const;

export const MALE_FIRST = [
  'FRANÇOIS', 'JEAN-PIERRE', 'LIAM', 'NOAH', 'ÉTIENNE', 'GAÉTAN', 'MATHÉO', 'RENÉ', 'ANDRÉ', 'JOSÉ',
  'RAFAEL', 'WEI', 'HIROSHI', 'ARJUN', 'MOHAMMED', 'OMAR', 'SEÁN', 'LUCAS', 'BENOÎT', 'JÉRÔME',
  'THOMAS', 'JAMES', 'WILLIAM', 'DANIEL', 'KWAME', 'MINH', 'QUANG', 'HARJIT', 'DAVID', 'MICHAEL',
  'ROBERT', 'GEORGE', 'PATRICK', 'DENIS', 'YVES', 'MARC-ANDRÉ', 'ZACHARY', 'ÉMILE', 'JOËL', 'NIKOLAI',
] as const;

export const NEUTRAL_FIRST = ['ALEX', 'SAM', 'RIVER', 'JORDAN', 'MORGAN', 'CAMERON', 'DOMINIQUE', 'CLAUDE'] as const;

export const LAST = [
  'TREMBLAY', 'GAGNON', 'ROY', 'CÔTÉ', 'BOUCHARD', 'GAUTHIER', 'MORIN', 'LAVOIE', 'FORTIN', 'GAGNÉ',
  'OUELLET', 'PELLETIER', 'BÉLANGER', 'LÉVESQUE', 'BERGERON', 'LEBLANC', 'GIRARD', 'SAINT-PIERRE', "O'BRIEN", 'MACDONALD',
  'MCLEOD', 'NGUYỄN', 'TRẦN', 'LÊ', 'PHẠM', 'LI', 'WANG', 'CHEN', 'PATEL', 'SINGH',
  'KAUR', 'KHAN', 'ALI', 'SMITH', 'SMITH-JONES', 'DA SILVA', 'DE LA CRUZ', 'VAN DER BERG', 'MÜLLER', 'KOWALSKI',
  'WILSON', 'BROWN', 'TAYLOR', 'CAMPBELL', 'ANDERSON', 'THOMPSON', 'MARTIN', 'JOHNSON', 'WHITE', 'CARDINAL',
  'MORRISSEAU', "D'ARCY", 'ST. JOHN', 'KIM', 'PARK', 'GONZÁLEZ', 'HERNÁNDEZ', 'RODRÍGUEZ', 'OKAFOR', 'MENDOZA',
  'BÉRUBÉ', 'DESJARDINS', 'ÅSTRÖM', 'NÚÑEZ', 'YILMAZ', 'HAMMOND', 'FRASER', 'MURPHY', 'KELLY', 'GRANT',
] as const;

export const MIDDLE = ['MARIE', 'JOSEPH', 'ANNE', 'JEAN', 'LOUISE', 'ÉLISE', 'THỊ', 'VĂN', 'KAUR', 'SINGH', 'ROSE', 'PAUL', 'MARIE JOSÉE', 'JAMES ROBERT'] as const;

export const ALIASES = ['LOU', 'BEN', 'KATIE', 'JP', 'TOMMY', 'NIKKI', 'BOB', 'MO', 'LULU', 'ZIZI', 'FRANK', 'BEA'] as const;

export interface CityInfo { city: string; postalPrefix: string; areaCodes: readonly string[] }

export const CITIES: Readonly<Record<string, readonly CityInfo[]>> = {
  ON: [
    { city: 'Toronto', postalPrefix: 'M', areaCodes: ['416', '647', '437'] },
    { city: 'Ottawa', postalPrefix: 'K', areaCodes: ['613', '343'] },
    { city: 'Mississauga', postalPrefix: 'L', areaCodes: ['905', '289'] },
    { city: 'Hamilton', postalPrefix: 'L', areaCodes: ['905'] },
    { city: 'London', postalPrefix: 'N', areaCodes: ['519', '226'] },
    { city: 'Sudbury', postalPrefix: 'P', areaCodes: ['705'] },
    { city: 'Thunder Bay', postalPrefix: 'P', areaCodes: ['807'] },
    { city: 'Kingston', postalPrefix: 'K', areaCodes: ['613'] },
  ],
  QC: [
    { city: 'Montréal', postalPrefix: 'H', areaCodes: ['514', '438'] },
    { city: 'Québec', postalPrefix: 'G', areaCodes: ['418', '581'] },
    { city: 'Gatineau', postalPrefix: 'J', areaCodes: ['819'] },
    { city: 'Trois-Rivières', postalPrefix: 'G', areaCodes: ['819'] },
  ],
  BC: [
    { city: 'Vancouver', postalPrefix: 'V', areaCodes: ['604', '778'] },
    { city: 'Victoria', postalPrefix: 'V', areaCodes: ['250'] },
    { city: 'Kelowna', postalPrefix: 'V', areaCodes: ['250'] },
  ],
  AB: [
    { city: 'Calgary', postalPrefix: 'T', areaCodes: ['403', '587'] },
    { city: 'Edmonton', postalPrefix: 'T', areaCodes: ['780'] },
  ],
  MB: [{ city: 'Winnipeg', postalPrefix: 'R', areaCodes: ['204'] }],
  SK: [{ city: 'Saskatoon', postalPrefix: 'S', areaCodes: ['306'] }],
  NS: [{ city: 'Halifax', postalPrefix: 'B', areaCodes: ['902'] }],
  NB: [{ city: 'Moncton', postalPrefix: 'E', areaCodes: ['506'] }],
  NL: [{ city: "St. John's", postalPrefix: 'A', areaCodes: ['709'] }],
  PE: [{ city: 'Charlottetown', postalPrefix: 'C', areaCodes: ['902'] }],
  YT: [{ city: 'Whitehorse', postalPrefix: 'Y', areaCodes: ['867'] }],
  NT: [{ city: 'Yellowknife', postalPrefix: 'X', areaCodes: ['867'] }],
  NU: [{ city: 'Iqaluit', postalPrefix: 'X', areaCodes: ['867'] }],
};

export const STREETS_EN = ['Main St', 'King St W', 'Queen St E', 'Bay St', 'Yonge St', "O'Connor St", 'Maple Ave', 'Elm Dr', 'Lakeshore Blvd W', 'Bloor St W', 'Rideau St', 'Portage Ave', 'Jasper Ave', 'Granville St', 'Spring Garden Rd'] as const;
export const STREETS_FR = ['rue Saint-Denis', 'boul. René-Lévesque O', 'ch. de la Côte-des-Neiges', 'rue Sainte-Catherine E', 'av. du Mont-Royal', 'rue des Érables', 'boul. Laurier', 'rue Saint-Jean'] as const;

export const OTHER_LANGUAGES = ['Mandarin', 'Cantonese', 'Punjabi', 'Vietnamese', 'Spanish', 'Arabic', 'Tagalog', 'Portuguese', 'Italian', 'Cree', 'Inuktitut'] as const;

export const APPOINTMENT_REASONS = [
  'Follow-up BP', 'Annual physical', 'Flu shot', 'Prescription renewal', 'Suivi de grossesse', 'Vaccination',
  'Lab results', 'Consultation', 'Pap test', 'Well baby visit', 'Douleur lombaire', 'Diabetes review',
  'Mental health check-in', 'Skin rash', 'Travel vaccines', 'Form completion', 'Sore throat', 'Renouvellement',
] as const;

export const APPOINTMENT_NOTES = ['', '', '', 'Patient prefers afternoon', 'Bring glucose log', 'Interpreter needed (Vietnamese)', 'Phone visit', 'Rappeler la veille', 'Fasting bloodwork'] as const;
