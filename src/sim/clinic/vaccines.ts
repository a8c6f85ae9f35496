// OSCAR prevention types that are immunizations, with the SNOMED CT CA (NVC) generic concept and
// trade-name concepts from vaccine-codes.csv (the shared FHIR research notes), plus the usual route and dose.
// The generator writes `snomedId` = generic and ext `brandSnomedId` = trade name (contract 5.4).

export type Route = 'IM' | 'SC' | 'ID' | 'IN' | 'PO';

export interface VaccineBrand { sctid: string; name: string; manufacturer: string }

export interface VaccineType {
  /** `preventions.prevention_type` (= `name` in PreventionItems.xml). */
  type: string;
  genericSctid: string;
  route: Route;
  dose: string;
  brands: readonly VaccineBrand[];
}

// Manufacturer display names (as CVC shows them), by brand name pattern; first match wins.
const MANUFACTURERS: readonly (readonly [RegExp, string])[] = [
  [/\(GSK\)|INFANRIX|PEDIARIX|BOOSTRIX|Havrix|Twinrix|Engerix|PRIORIX|VARILRIX|SHINGRIX|Hiberix|ROTARIX|CERVARIX|FLULAVAL|AREXVY|TYPHERIX|AREPANRIX/, 'GlaxoSmithKline Inc.'],
  [/\(NVD\)/, 'Novartis Vaccines'],
  [/\(Pfiz\)|Prevnar|PREVNAR|Trumenba|COMIRNATY|ABRYSVO/, 'Pfizer Canada ULC'],
  [/RotaTeq|PedvaxHIB|Pneumovax|VAXNEUVANCE|CAPVAXIVE|M-M-R|ProQuad|VARIVAX|ZOSTAVAX|RECOMBIVAX|GARDASIL|VAQTA/, 'Merck Canada Inc.'],
  [/AFLURIA|FLUAD|FLUCELVAX/, 'Seqirus Canada Inc.'],
  [/FLUMIST|VAXZEVRIA/, 'AstraZeneca Canada Inc.'],
  [/SPIKEVAX|mRESVIA/, 'Moderna Biopharma Canada'],
  [/COVIFENZ/, 'Medicago Inc.'],
  [/JCOVDEN/, 'Janssen Inc.'],
  [/PREHEVBRIO/, 'VBI Vaccines'],
  [/\(VAL\)|DUKORAL|IXIARO/, 'Valneva Canada Inc.'],
  [/\(BN\)|VAXCHORA|Vivotif/, 'Bavarian Nordic'],
  [/FSME/, 'Pfizer Canada ULC'],
  [/BCG.*Japan/, 'Japan BCG Laboratory'],
  [/\(IDM\)/, 'Verity Pharmaceuticals'],
];

function manufacturerOf(brand: string): string {
  for (const [re, name] of MANUFACTURERS) if (re.test(brand)) return name;
  return 'Sanofi Pasteur Limited';
}

function v(type: string, genericSctid: string, route: Route, dose: string, brands: readonly (readonly [string, string])[]): VaccineType {
  return { type, genericSctid, route, dose, brands: brands.map(([sctid, name]) => ({ sctid, name, manufacturer: manufacturerOf(name) })) };
}

export const VACCINES: readonly VaccineType[] = [
  v('DTaP', '7841000087106', 'IM', '0.5 mL', [['28721000087103', 'TRIPACEL']]),
  v('DTaP-IPV-Hib-HB', '7731000087108', 'IM', '0.5 mL', [['7451000087107', 'INFANRIX hexa']]),
  v('DTaP-HBV-IPV-Hib', '7731000087108', 'IM', '0.5 mL', [['7451000087107', 'INFANRIX hexa']]),
  v('DTaP-IPV-HB', '20641000087100', 'IM', '0.5 mL', [['20841000087101', 'PEDIARIX']]),
  v('DT-IPV', '7901000087103', 'IM', '0.5 mL', []),
  v('Tdap-IPV', '7891000087104', 'IM', '0.5 mL', [['7481000087104', 'ADACEL-POLIO'], ['7491000087102', 'BOOSTRIX-POLIO']]),
  v('DTaP-IPV-Hib', '7931000087106', 'IM', '0.5 mL', [['7511000087107', 'PENTACEL'], ['7521000087104', 'PEDIACEL'], ['7501000087105', 'INFANRIX-IPV/Hib']]),
  v('DTaP-IPV', '7881000087101', 'IM', '0.5 mL', [['7471000087101', 'QUADRACEL'], ['7461000087105', 'INFANRIX-IPV'], ['22691000087106', 'KINRIX']]),
  v('DTaP-Hib', '23701000087103', 'IM', '0.5 mL', [['23711000087101', 'ACTacel']]),
  v('TdP-IPV-Hib', '7931000087106', 'IM', '0.5 mL', []),
  v('Rot', '871761004', 'PO', '1.5 mL', [['7191000087105', 'ROTARIX'], ['7201000087107', 'RotaTeq']]),
  v('Hib', '871764007', 'IM', '0.5 mL', [['7031000087105', 'Act-HIB'], ['7041000087104', 'Hiberix'], ['7051000087101', 'Liquid PedvaxHIB']]),
  v('Pneumovax', '7251000087108', 'IM', '0.5 mL', [['7641000087107', 'Pneumovax 23'], ['7631000087101', 'Pneumo 23']]),
  v('Pneu-C', '1801000221105', 'IM', '0.5 mL', [['7681000087102', 'Prevnar 13'], ['37891000087107', 'VAXNEUVANCE'], ['37881000087105', 'PREVNAR 20'], ['60601000087107', 'CAPVAXIVE']]),
  v('M', '386012008', 'SC', '0.5 mL', []),
  v('MR', '7281000087100', 'SC', '0.5 mL', []),
  v('MMR', '871831003', 'SC', '0.5 mL', [['7161000087102', 'M-M-R II'], ['7171000087106', 'PRIORIX']]),
  v('MMRV', '871908002', 'SC', '0.5 mL', [['19441000087102', 'ProQuad'], ['7181000087108', 'PRIORIX-TETRA']]),
  v('Men-P-AC', '7091000087106', 'IM', '0.5 mL', []),
  v('Men-P-ACWY', '7101000087101', 'IM', '0.5 mL', [['7111000087104', 'MENOMUNE (SP)']]),
  v('Men-C-ACYW-135', '7121000087107', 'IM', '0.5 mL', [['7131000087109', 'Menactra'], ['21681000087101', 'Menveo (GSK)'], ['7141000087103', 'Menveo (NVD)'], ['19351000087108', 'NIMENRIX (GSK)'], ['21781000087106', 'NIMENRIX (Pfiz)'], ['56051000087108', 'MenQuadfi']]),
  v('MenC-C', '27511000087101', 'IM', '0.5 mL', [['7081000087109', 'NeisVac-C (GSK)'], ['21891000087103', 'NeisVac-C (Pfiz)'], ['7071000087107', 'MENJUGATE (NVD)'], ['21701000087104', 'MENJUGATE (GSK)']]),
  v('rMenB', '1981000221108', 'IM', '0.5 mL', [['21671000087103', 'BEXSERO (GSK)'], ['19311000087109', 'BEXSERO (NVD)'], ['23031000087108', 'Trumenba']]),
  v('VZ', '28441000087100', 'SC', '0.5 mL', [['7241000087105', 'VARIVAX III'], ['31541000087105', 'VARILRIX']]),
  v('HZV', '56341000087108', 'SC', '0.5 mL', [['7411000087108', 'ZOSTAVAX'], ['19321000087101', 'ZOSTAVAX II']]),
  v('RZV', '56011000087109', 'IM', '0.5 mL', [['23011000087103', 'SHINGRIX']]),
  v('HepB', '871822003', 'IM', '1 mL', [['6911000087104', 'Engerix B'], ['6921000087107', 'Engerix B pediatric'], ['6951000087100', 'RECOMBIVAX HB'], ['6931000087109', 'RECOMBIVAX HB pediatric'], ['6941000087103', 'RECOMBIVAX HB dialysis'], ['379081000087107', 'PREHEVBRIO']]),
  v('HBTmf', '871822003', 'IM', '0.5 mL', []),
  v('T', '871742003', 'IM', '0.5 mL', []),
  v('Td-IPV', '7911000087101', 'IM', '0.5 mL', [['7531000087102', 'Td Polio Absorbed']]),
  v('dTap', '7851000087109', 'IM', '0.5 mL', [['7431000087103', 'ADACEL'], ['7441000087109', 'BOOSTRIX']]),
  v('TdP', '7851000087109', 'IM', '0.5 mL', []),
  v('Td', '59999009', 'IM', '0.5 mL', [['7371000087109', 'Td ADSORBED (with preservative)'], ['56391000087101', 'Td ADSORBED (without preservative)']]),
  v('Flu', '1181000221105', 'IM', '0.5 mL', [['7561000087109', 'Vaxigrip'], ['8651000087109', 'FLUZONE'], ['20691000087107', 'FLUZONE Quadrivalent'], ['20811000087102', 'FLULAVAL TETRA'], ['24381000087107', 'AFLURIA TETRA'], ['22981000087101', 'FLUAD (SEQ)'], ['28491000087107', 'FLUCELVAX QUAD'], ['21931000087105', 'FLUZONE High-Dose'], ['20741000087105', 'FLUMIST QUADRIVALENT']]),
  v('H1N1', '871772009', 'IM', '0.5 mL', [['9841000087102', 'AREPANRIX H1N1']]),
  v('HA-Typh-I', '871804001', 'IM', '0.5 mL', [['7331000087107', 'ViVAXIM']]),
  v('HepA', '871751006', 'IM', '1 mL', [['6871000087101', 'Havrix 1440'], ['6881000087104', 'Havrix 720 Junior'], ['6901000087101', 'VAQTA'], ['6891000087102', 'VAQTA pediatric'], ['6851000087107', 'AVAXIM'], ['6861000087105', 'AVAXIM pediatric']]),
  v('HepAB', '871803007', 'IM', '1 mL', [['6971000087106', 'Twinrix'], ['6961000087102', 'Twinrix Junior']]),
  v('Chol-Ecol-O', '7721000087106', 'PO', '3 mL', [['7401000087106', 'DUKORAL (CSA)'], ['24201000087108', 'DUKORAL (VAL)']]),
  v('CHOLERA', '1011000221100', 'PO', '100 mL', [['60261000087109', 'VAXCHORA']]),
  v('Rabies', '871726005', 'IM', '1 mL', [['7381000087106', 'Imovax Rabies'], ['7391000087108', 'RabAvert (NVD)'], ['21711000087102', 'RabAvert (GSK)'], ['33231000087100', 'RABAVERT (BN)']]),
  v('Typhoid', '2171000221104', 'IM', '0.5 mL', [['7311000087102', 'TYPHIM VI'], ['7301000087104', 'TYPHERIX']]),
  v('Typh-O', '971000221109', 'PO', '1 capsule', [['57861000087100', 'Vivotif'], ['7321000087105', 'Vivotif (CS)'], ['24211000087105', 'Vivotif (Pax)']]),
  v('HPV Vaccine', '20861000087100', 'IM', '0.5 mL', [['20871000087109', 'GARDASIL 9'], ['7351000087103', 'GARDASIL'], ['7341000087101', 'CERVARIX']]),
  v('IPV', '871740006', 'IM', '0.5 mL', [['7361000087100', 'IMOVAX POLIO']]),
  v('BCG', '319941000221104', 'ID', '0.1 mL', [['7011000087100', 'BCG Vaccine (SP)'], ['26521000087106', 'BCG VACCINE (IDM)'], ['7021000087108', 'BCG Freeze-dried Glutamate BCG Vaccine Japan']]),
  v('YF', '871717007', 'SC', '0.5 mL', [['7221000087101', 'YF-VAX']]),
  v('TBE', '871719005', 'IM', '0.5 mL', [['7211000087109', 'FSME-IMMUN (BAG)'], ['26551000087104', 'FSME-IMMUN (Bax)']]),
  v('JE', '871724008', 'IM', '0.5 mL', [['7151000087100', 'IXIARO (IAG)'], ['21771000087109', 'IXIARO (VAL)']]),
  v('COVID-19', '28531000087107', 'IM', '0.3 mL', [['28581000087106', 'COMIRNATY (original strain) 30 mcg/0.3 mL'], ['28571000087109', 'SPIKEVAX (original strain) 0.20 mg/mL'], ['30151000087105', 'COVIFENZ'], ['28951000087107', 'JCOVDEN'], ['28761000087108', 'VAXZEVRIA']]),
  v('RSV', '61741000087109', 'IM', '0.5 mL', [['51301000087102', 'AREXVY'], ['55351000087104', 'ABRYSVO'], ['61761000087105', 'mRESVIA']]),
  v('RSVAb', '58531000087106', 'IM', '0.5 mL', [['58291000087105', 'BEYFORTUS 100 mg/1 mL'], ['58301000087109', 'BEYFORTUS 50 mg/0.5 mL']]),
];
