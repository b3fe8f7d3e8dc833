// Realistic, deterministic benchmark data: members, communities, memberships and activities.
//
// Everything is a pure function of its options (the seed above all), so two runs, two machines and two dialects
// measure the same data. Members and activities stream: the generators yield batches and keep only a few counters,
// so 1M members or 20M activities never sit in memory. Rows use the database's column names (snake_case, epoch ms);
// `id` is the row's 1-based position, which is the database id when the rows are inserted in order into an empty
// table, and is what memberships and activities refer to.
//
// Phone numbers are syntactically real US mobile numbers (E.164) and may belong to someone: they are for the SMS
// simulator only. Email addresses use reserved names (RFC 2606 / 6761: *.example), so nothing can ever reach a person.

// ── Seeded randomness ───────────────────────────────────────────────────────────────────────────────────────────

type Random = () => number;

/** mulberry32: a small, fast 32-bit PRNG; returns [0, 1). Good enough for test data, not for anything secret. */
function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A 32-bit hash of a seed and a label, so each generator (and each purpose inside one) has its own stream. */
function deriveSeed(seed: number, label: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
}

/** A uniform [0, 1) value fixed for (seed, n): a property of a row that any generator can recompute. */
function hashUnit(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4_294_967_296;
}

/** Picks an index by cumulative weight (binary search). */
function pickWeighted(cumulative: Float64Array, random: Random): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const target = random() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulate(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}

/** Zipf weights 1/rank^s for `n` items, ranks shuffled by `random` so popularity does not follow the id order. */
function zipfCumulative(n: number, s: number, random: Random): Float64Array {
  const ranks = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ranks[i], ranks[j]] = [ranks[j] ?? 0, ranks[i] ?? 0];
  }
  return cumulate(ranks.map((rank) => 1 / rank ** s));
}

/** Names are common lists, read most-common first: this skews picks towards the head like real name frequencies. */
function pickSkewed<T>(list: readonly T[], random: Random): T {
  const item = list[Math.floor(list.length * random() ** 1.7)];
  if (item === undefined) throw new Error('pickSkewed: empty list');
  return item;
}

function pick<T>(list: readonly T[], random: Random): T {
  const item = list[Math.floor(list.length * random())];
  if (item === undefined) throw new Error('pick: empty list');
  return item;
}

const words = (text: string) => text.trim().split(/\s+/);

// ── Time ────────────────────────────────────────────────────────────────────────────────────────────────────────

const DAY_MS = 86_400_000;
export const TWO_YEARS_MS = 730 * DAY_MS;
/** A fixed default end, so the default data does not change from one day to the next. Pass `to: Date.now()` to anchor on today. */
export const DEFAULT_TO = Date.UTC(2026, 10, 1);

type Period = { from?: number; to?: number };

function period(options: Period): { from: number; to: number; span: number } {
  const to = options.to ?? DEFAULT_TO;
  const from = options.from ?? to - TWO_YEARS_MS;
  if (!(to > from)) throw new Error('generate: `to` must be after `from`');
  return { from, to, span: to - from };
}

/**
 * When member `id` (1-based, of `count`) signed up: the list grows faster over time (member i at from + span·√((i-1)/count)),
 * and ids are in sign-up order. Exported so activities and memberships never predate their member.
 */
export function memberCreatedAt(id: number, count: number, from: number, to: number): number {
  return from + Math.floor((to - from) * Math.sqrt((id - 1) / count));
}

/** How many of `count` members had signed up at time `t` (the inverse of memberCreatedAt). */
function membersAt(t: number, count: number, from: number, to: number): number {
  const r = Math.min(1, Math.max(0, (t - from) / (to - from)));
  return Math.min(count, Math.floor(count * r * r) + 1);
}

// ── Places: real area codes, their time zone and nearby ZIP prefixes ────────────────────────────────────────────

const ET = 'America/New_York';
const DETROIT = 'America/Detroit';
const INDIANA = 'America/Indiana/Indianapolis';
const LOUISVILLE = 'America/Kentucky/Louisville';
const CT = 'America/Chicago';
const MT = 'America/Denver';
const ARIZONA = 'America/Phoenix';
const BOISE = 'America/Boise';
const PT = 'America/Los_Angeles';

export type AreaCode = {
  /** The three-digit area code (NPA). */
  npa: string;
  city: string;
  /** USPS state abbreviation. */
  state: string;
  /** The IANA time zone of the area (area codes that straddle a zone line are left out). */
  timeZone: string;
  /** First three digits of ZIP codes around the city. */
  zip3: readonly string[];
  /** Relative population, for picking. */
  weight: number;
};

const AREA_ROWS: readonly [string, string, string, string, string, number][] = [
  // Eastern
  ['212', 'New York', 'NY', ET, '100 101 102', 5],
  ['718', 'New York', 'NY', ET, '104 112 113 114', 6],
  ['917', 'New York', 'NY', ET, '100 104 112', 4],
  ['516', 'Hempstead', 'NY', ET, '110 115', 3],
  ['518', 'Albany', 'NY', ET, '120 121 122', 1],
  ['585', 'Rochester', 'NY', ET, '144 145 146', 1],
  ['716', 'Buffalo', 'NY', ET, '140 141 142', 1],
  ['201', 'Jersey City', 'NJ', ET, '070 073 076', 2],
  ['973', 'Newark', 'NJ', ET, '070 071', 2],
  ['609', 'Trenton', 'NJ', ET, '085 086', 1],
  ['215', 'Philadelphia', 'PA', ET, '190 191', 3],
  ['412', 'Pittsburgh', 'PA', ET, '150 151 152', 2],
  ['717', 'Lancaster', 'PA', ET, '170 171 175', 1],
  ['617', 'Boston', 'MA', ET, '021 022', 3],
  ['413', 'Springfield', 'MA', ET, '010 011', 1],
  ['508', 'Worcester', 'MA', ET, '015 016', 1],
  ['401', 'Providence', 'RI', ET, '028 029', 1],
  ['203', 'New Haven', 'CT', ET, '064 065 066', 1],
  ['860', 'Hartford', 'CT', ET, '060 061', 1],
  ['207', 'Portland', 'ME', ET, '040 041', 1],
  ['603', 'Manchester', 'NH', ET, '030 031', 1],
  ['802', 'Burlington', 'VT', ET, '054', 1],
  ['202', 'Washington', 'DC', ET, '200', 2],
  ['301', 'Silver Spring', 'MD', ET, '207 208 209', 2],
  ['410', 'Baltimore', 'MD', ET, '210 212', 2],
  ['302', 'Wilmington', 'DE', ET, '197 198', 1],
  ['703', 'Arlington', 'VA', ET, '220 221 222', 2],
  ['804', 'Richmond', 'VA', ET, '230 231 232', 1],
  ['757', 'Norfolk', 'VA', ET, '233 234 235', 1],
  ['304', 'Charleston', 'WV', ET, '250 251 253', 1],
  ['704', 'Charlotte', 'NC', ET, '280 281 282', 2],
  ['919', 'Raleigh', 'NC', ET, '275 276 277', 2],
  ['336', 'Greensboro', 'NC', ET, '270 272 274', 1],
  ['803', 'Columbia', 'SC', ET, '290 291 292', 1],
  ['843', 'Charleston', 'SC', ET, '294', 1],
  ['404', 'Atlanta', 'GA', ET, '300 303', 3],
  ['470', 'Atlanta', 'GA', ET, '300 301', 2],
  ['912', 'Savannah', 'GA', ET, '313 314', 1],
  ['305', 'Miami', 'FL', ET, '330 331', 3],
  ['786', 'Miami', 'FL', ET, '330 331', 2],
  ['954', 'Fort Lauderdale', 'FL', ET, '333', 2],
  ['407', 'Orlando', 'FL', ET, '327 328', 2],
  ['813', 'Tampa', 'FL', ET, '335 336', 2],
  ['904', 'Jacksonville', 'FL', ET, '320 322', 1],
  ['313', 'Detroit', 'MI', DETROIT, '482', 2],
  ['616', 'Grand Rapids', 'MI', DETROIT, '493 494 495', 1],
  ['517', 'Lansing', 'MI', DETROIT, '488 489', 1],
  ['216', 'Cleveland', 'OH', ET, '440 441', 2],
  ['614', 'Columbus', 'OH', ET, '430 431 432', 2],
  ['513', 'Cincinnati', 'OH', ET, '450 451 452', 2],
  ['317', 'Indianapolis', 'IN', INDIANA, '460 461 462', 2],
  ['502', 'Louisville', 'KY', LOUISVILLE, '400 401 402', 1],
  ['865', 'Knoxville', 'TN', ET, '377 378 379', 1],
  ['423', 'Chattanooga', 'TN', ET, '373 374', 1],
  // Central
  ['312', 'Chicago', 'IL', CT, '606', 3],
  ['773', 'Chicago', 'IL', CT, '606', 3],
  ['630', 'Naperville', 'IL', CT, '601 605', 2],
  ['217', 'Springfield', 'IL', CT, '625 626 627', 1],
  ['414', 'Milwaukee', 'WI', CT, '530 531 532', 2],
  ['608', 'Madison', 'WI', CT, '535 537', 1],
  ['612', 'Minneapolis', 'MN', CT, '553 554 555', 2],
  ['651', 'Saint Paul', 'MN', CT, '550 551', 1],
  ['515', 'Des Moines', 'IA', CT, '500 501 503', 1],
  ['319', 'Cedar Rapids', 'IA', CT, '522 523 524', 1],
  ['314', 'St. Louis', 'MO', CT, '630 631', 2],
  ['816', 'Kansas City', 'MO', CT, '640 641', 2],
  ['913', 'Overland Park', 'KS', CT, '660 661 662', 1],
  ['316', 'Wichita', 'KS', CT, '670 671 672', 1],
  ['402', 'Omaha', 'NE', CT, '680 681', 1],
  ['605', 'Sioux Falls', 'SD', CT, '570 571', 1],
  ['701', 'Fargo', 'ND', CT, '580 581', 1],
  ['615', 'Nashville', 'TN', CT, '370 371 372', 2],
  ['901', 'Memphis', 'TN', CT, '380 381', 1],
  ['205', 'Birmingham', 'AL', CT, '350 351 352', 1],
  ['334', 'Montgomery', 'AL', CT, '360 361', 1],
  ['601', 'Jackson', 'MS', CT, '390 391 392', 1],
  ['504', 'New Orleans', 'LA', CT, '700 701', 1],
  ['225', 'Baton Rouge', 'LA', CT, '707 708', 1],
  ['501', 'Little Rock', 'AR', CT, '720 721 722', 1],
  ['405', 'Oklahoma City', 'OK', CT, '730 731', 1],
  ['918', 'Tulsa', 'OK', CT, '740 741', 1],
  ['214', 'Dallas', 'TX', CT, '750 752 753', 3],
  ['469', 'Dallas', 'TX', CT, '750 752', 2],
  ['817', 'Fort Worth', 'TX', CT, '760 761', 2],
  ['713', 'Houston', 'TX', CT, '770 772', 3],
  ['832', 'Houston', 'TX', CT, '770 773 774', 3],
  ['512', 'Austin', 'TX', CT, '786 787', 2],
  ['210', 'San Antonio', 'TX', CT, '780 781 782', 2],
  ['956', 'McAllen', 'TX', CT, '785', 1],
  ['361', 'Corpus Christi', 'TX', CT, '783 784', 1],
  ['806', 'Lubbock', 'TX', CT, '793 794', 1],
  // Mountain
  ['303', 'Denver', 'CO', MT, '800 802', 2],
  ['720', 'Denver', 'CO', MT, '800 802', 2],
  ['719', 'Colorado Springs', 'CO', MT, '808 809', 1],
  ['970', 'Fort Collins', 'CO', MT, '805', 1],
  ['801', 'Salt Lake City', 'UT', MT, '840 841', 2],
  ['385', 'Salt Lake City', 'UT', MT, '840 841', 1],
  ['602', 'Phoenix', 'AZ', ARIZONA, '850', 3],
  ['480', 'Mesa', 'AZ', ARIZONA, '852', 2],
  ['520', 'Tucson', 'AZ', ARIZONA, '856 857', 1],
  ['505', 'Albuquerque', 'NM', MT, '870 871', 1],
  ['575', 'Las Cruces', 'NM', MT, '880', 1],
  ['915', 'El Paso', 'TX', MT, '798 799', 1],
  ['406', 'Billings', 'MT', MT, '590 591', 1],
  ['307', 'Cheyenne', 'WY', MT, '820', 1],
  ['208', 'Boise', 'ID', BOISE, '836 837', 1],
  // Pacific
  ['213', 'Los Angeles', 'CA', PT, '900', 3],
  ['323', 'Los Angeles', 'CA', PT, '900', 3],
  ['310', 'Los Angeles', 'CA', PT, '900 902', 2],
  ['818', 'Los Angeles', 'CA', PT, '913 914', 2],
  ['626', 'Pasadena', 'CA', PT, '910 911', 1],
  ['714', 'Anaheim', 'CA', PT, '926 928', 2],
  ['619', 'San Diego', 'CA', PT, '919 920 921', 2],
  ['858', 'San Diego', 'CA', PT, '921', 1],
  ['909', 'San Bernardino', 'CA', PT, '917 923 924', 2],
  ['951', 'Riverside', 'CA', PT, '925', 2],
  ['559', 'Fresno', 'CA', PT, '936 937', 1],
  ['916', 'Sacramento', 'CA', PT, '956 957 958', 2],
  ['415', 'San Francisco', 'CA', PT, '941', 2],
  ['510', 'Oakland', 'CA', PT, '945 946', 2],
  ['408', 'San Jose', 'CA', PT, '950 951', 2],
  ['650', 'San Mateo', 'CA', PT, '940 944', 1],
  ['206', 'Seattle', 'WA', PT, '980 981', 2],
  ['253', 'Tacoma', 'WA', PT, '983 984', 1],
  ['509', 'Spokane', 'WA', PT, '990 992', 1],
  ['503', 'Portland', 'OR', PT, '970 972', 2],
  ['541', 'Eugene', 'OR', PT, '974', 1],
  ['702', 'Las Vegas', 'NV', PT, '889 890 891', 2],
  ['775', 'Reno', 'NV', PT, '894 895', 1],
];

export const AREA_CODES: readonly AreaCode[] = AREA_ROWS.map(([npa, city, state, timeZone, zip3, weight]) => ({
  npa,
  city,
  state,
  timeZone,
  zip3: words(zip3),
  weight,
}));

/** Hispanic members are concentrated where they live: relative weight by state (default 0.5). */
const HISPANIC_STATE_FACTOR: Readonly<Record<string, number>> = {
  TX: 4,
  CA: 4,
  NM: 5,
  AZ: 3,
  FL: 3,
  NV: 3,
  CO: 2,
  NY: 1.5,
  NJ: 1.5,
  IL: 1.5,
};

const areaCumulative = cumulate(AREA_CODES.map((a) => a.weight));
const hispanicAreaCumulative = cumulate(AREA_CODES.map((a) => a.weight * (HISPANIC_STATE_FACTOR[a.state] ?? 0.5)));

/** Exchanges (the NXX after the area code) that are assignable: not N11 service codes, not 555, 950, 958, 959, 976. */
const EXCHANGES: readonly number[] = Array.from({ length: 800 }, (_, i) => 200 + i).filter(
  (nxx) => nxx % 100 !== 11 && ![555, 950, 958, 959, 976].includes(nxx),
);
const SUBSCRIBERS = EXCHANGES.length * 10_000;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** A multiplier coprime with SUBSCRIBERS: n ↦ (n·A + offset) mod SUBSCRIBERS is a bijection, so numbers never repeat. */
const PHONE_STRIDE = (() => {
  let a = Math.floor(SUBSCRIBERS * 0.6180339887);
  while (gcd(a, SUBSCRIBERS) !== 1) a++;
  return a;
})();

// ── Names ───────────────────────────────────────────────────────────────────────────────────────────────────────

// Common US names, most common first (SSA baby names across generations; the 2010 census surname list).
const FIRST_NAMES = words(`
  James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica
  Thomas Sarah Christopher Karen Charles Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark Margaret Donald Ashley
  Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah
  Timothy Stephanie Ronald Dorothy Jason Rebecca Edward Sharon Jeffrey Laura Ryan Cynthia Jacob Amy Gary Kathleen
  Nicholas Angela Eric Shirley Jonathan Brenda Stephen Emma Larry Anna Justin Pamela Scott Nicole Brandon Samantha
  Benjamin Katherine Samuel Christine Gregory Helen Alexander Debra Patrick Rachel Frank Carolyn Raymond Janet Jack
  Catherine Dennis Heather Jerry Diane Tyler Olivia Aaron Julie Henry Joyce Adam Victoria Douglas Ruth Nathan Virginia
  Peter Lauren Zachary Kelly Kyle Christina Walter Joan Harold Evelyn Jeremy Judith Ethan Andrea Carl Hannah Keith
  Megan Roger Cheryl Gerald Jacqueline Christian Martha Terry Madison Sean Teresa Arthur Gloria Austin Sara Noah
  Janice Lawrence Ann Jesse Kathryn Joe Abigail Bryan Sophia Billy Frances Jordan Jean Albert Alice Dylan Judy Bruce
  Isabella Willie Julia Gabriel Grace Alan Amber Logan Denise Wayne Danielle Ralph Marilyn Roy Beverly Eugene
  Charlotte Randy Natalie Vincent Theresa Russell Diana Louis Brittany Philip Doris Bobby Kayla Johnny Alexis Bradley
  Lori Liam Marie Elijah Ava Lucas Mia Mason Harper Oliver Ella Jayden Chloe Darnell Zoe Terrence Aaliyah Malik
  Jasmine Jamal Destiny Andre Keisha DeShawn Tamika Marcus Latoya Wei Ebony Raj Imani Minh Priya Hiroshi Mei Omar
  Linh Ahmed Aiko Tariq Fatima Sanjay Aisha Jin
`);

const SURNAMES = words(`
  Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin Lee Thompson
  White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Nelson Baker Hall Campbell
  Mitchell Carter Roberts Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan
  Peterson Cooper Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray James Hughes
  Price Sanders Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Butler Barnes Fisher Henderson Coleman
  Simmons Patterson Jordan Reynolds Hamilton Graham Wallace West Cole Hayes Bryant Gibson Ellis Stevens Murray Ford
  Marshall Owens McDonald Harrison Kennedy Wells Alexander Griffin Hunter Hicks Henry Boyd Mason Warren Dixon Burns
  Gordon Shaw Holmes Rice Robertson Hunt Black Daniels Palmer Mills Grant Knight Ferguson Stone Hawkins Dunn Perkins
  Hudson Spencer Gardner Stephens Payne Pierce Berry Matthews Arnold Wagner Willis Ray Watkins Olson Carroll Duncan
  Snyder Hart Cunningham Bradley Lane Andrews Harper Fox Riley Armstrong Carpenter Weaver Greene Lawrence Elliott
  Sims Austin Peters Kelley Franklin Lawson Fields Ryan Schmidt Carr Wheeler Chapman Oliver Montgomery Richards
  Williamson Johnston Banks Meyer Bishop McCoy Howell Morrison Hansen Harvey Little Burton Stanley Nguyen George
  Jacobs Reid Fuller Lynch Dean Gilbert Welch Larson Frazier Burke Hanson Day Bowman Fowler Kim Patel Chen Wang Tran
  Le Pham Singh Shah Huang Park Nakamura Ali Khan O'Brien O'Connor Friedman Cohen Goldberg Kowalski Novak Rossi
`);

const HISPANIC_FIRST_NAMES = words(`
  José María Juan Guadalupe Luis Rosa Carlos Ana Jesús Juana Miguel Carmen Antonio Sofía Francisco Isabel Jorge Lucía
  Alejandro Valentina Manuel Camila Pedro Gabriela Ricardo Daniela Fernando Alejandra Roberto Adriana Javier Verónica
  Eduardo Leticia Rafael Patricia Sergio Yolanda Raúl Elena Héctor Marisol Arturo Claudia Mario Mónica Andrés Araceli
  Diego Lorena Santiago Esperanza Mateo Beatriz Emiliano Silvia Joaquín Ximena Gerardo Fernanda Ramón Paola Salvador
  Natalia Alberto Jimena Guillermo Mariana Ernesto Luz Óscar Graciela Rubén Margarita Julio Teresa Enrique Yesenia
  Víctor Brenda
`);

const HISPANIC_SURNAMES = words(`
  García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz Cruz Morales
  Reyes Gutiérrez Ortiz Ramos Chávez Castillo Jiménez Vásquez Moreno Romero Herrera Medina Aguilar Vargas Castro
  Mendoza Ruiz Fernández Álvarez Guzmán Muñoz Salazar Delgado Peña Ríos Soto Contreras Sandoval Ortega Domínguez
  Guerrero Estrada Núñez Vega Figueroa Luna Juárez Cortez Campos Maldonado Cabrera Cervantes Acosta Navarro Rojas
  Espinoza Márquez Ochoa Valdez Fuentes Ibarra Montoya Zamora Robles Orozco Santiago Padilla Molina Silva Mejía Lara
  Trujillo Solís Cárdenas Velásquez Rosales Serrano Pacheco Villarreal Galván
`);

/** Reserved names only (*.example, example.com/.org/.net): generated addresses can never reach anyone. */
const EMAIL_DOMAINS = words(
  'gmail.example yahoo.example icloud.example outlook.example hotmail.example aol.example example.com example.org example.net',
);
const EMAIL_DOMAIN_CUMULATIVE = cumulate([40, 14, 11, 8, 7, 3, 8, 5, 4]);

const asciiLower = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

// ── Members ─────────────────────────────────────────────────────────────────────────────────────────────────────

type Language = 'en' | 'es';

export type GeneratedMember = {
  id: number;
  workspace_id: number;
  first_name: string;
  last_name: string;
  /** E.164, a US mobile-style number; unique within one generateMembers run. */
  phone: string;
  /** Unique when present; about 15% of members have none. */
  email: string | null;
  language: Language;
  /** Five-digit ZIP code in the phone's area. */
  postal_code: string;
  city: string;
  state: string;
  /** IANA zone of the phone's area code. */
  time_zone: string;
  created_at: number;
};

export type MemberOptions = Period & {
  count: number;
  seed: number;
  workspaceId?: number;
  /** Rows per yielded batch (default 1,000). */
  batchSize?: number;
  /** Share of members with Hispanic names; they prefer Spanish (language 'es'). Default 0.2. */
  hispanicShare?: number;
};

/** Members in sign-up order, `batchSize` at a time. Only one batch and a few counters are alive at once. */
export function* generateMembers(options: MemberOptions): Generator<GeneratedMember[], void, undefined> {
  const { count, seed, workspaceId = 1, batchSize = 1_000, hispanicShare = 0.2 } = options;
  const { from, to } = period(options);
  const random = mulberry32(deriveSeed(seed, 'members'));
  const phoneOffsets = AREA_CODES.map((_, i) => Math.floor(hashUnit(deriveSeed(seed, 'phones'), i) * SUBSCRIBERS));
  const issued = new Array<number>(AREA_CODES.length).fill(0);
  let batch: GeneratedMember[] = [];

  for (let id = 1; id <= count; id++) {
    const hispanic = random() < hispanicShare;
    const areaIndex = pickWeighted(hispanic ? hispanicAreaCumulative : areaCumulative, random);
    const area = AREA_CODES[areaIndex] as AreaCode;

    const n = issued[areaIndex] ?? 0;
    if (n >= SUBSCRIBERS) throw new Error(`generateMembers: area code ${area.npa} ran out of numbers`);
    issued[areaIndex] = n + 1;
    const subscriber = (n * PHONE_STRIDE + (phoneOffsets[areaIndex] ?? 0)) % SUBSCRIBERS;
    const exchange = EXCHANGES[Math.floor(subscriber / 10_000)] ?? 200;
    const phone = `+1${area.npa}${exchange}${String(subscriber % 10_000).padStart(4, '0')}`;

    const firstName = pickSkewed(hispanic ? HISPANIC_FIRST_NAMES : FIRST_NAMES, random);
    let lastName = pickSkewed(hispanic ? HISPANIC_SURNAMES : SURNAMES, random);
    // Some Hispanic members keep both family names.
    if (hispanic && random() < 0.1) lastName = `${lastName} ${pickSkewed(HISPANIC_SURNAMES, random)}`;

    const postalCode = `${pick(area.zip3, random)}${String(Math.floor(random() * 100)).padStart(2, '0')}`;

    let email: string | null = null;
    if (random() < 0.85) {
      const first = asciiLower(firstName) || 'member';
      const last = asciiLower(lastName) || 'member';
      const domain = EMAIL_DOMAINS[pickWeighted(EMAIL_DOMAIN_CUMULATIVE, random)] ?? 'example.com';
      const style = random();
      // The id keeps addresses unique without remembering the ones already used.
      const local = style < 0.45 ? `${first}.${last}${id}` : style < 0.75 ? `${first[0]}${last}${id}` : `${first}${id}`;
      email = `${local}@${domain}`;
    }

    batch.push({
      id,
      workspace_id: workspaceId,
      first_name: firstName,
      last_name: lastName,
      phone,
      email,
      // Members with Hispanic names are the Spanish-speaking share of the list.
      language: hispanic ? 'es' : 'en',
      postal_code: postalCode,
      city: area.city,
      state: area.state,
      time_zone: area.timeZone,
      created_at: memberCreatedAt(id, count, from, to),
    });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

// ── Communities ─────────────────────────────────────────────────────────────────────────────────────────────────

type CommunityKind = 'network' | 'chapter' | 'group' | 'standalone';

export type GeneratedCommunity = {
  id: number;
  /** The network of a chapter, the chapter of a group; null for networks and standalone communities. */
  parent_id: number | null;
  kind: CommunityKind;
  name: string;
  slug: string;
  /** Set for chapters and groups. */
  city: string | null;
  state: string | null;
  time_zone: string | null;
  created_at: number;
};

/** Issue networks, each with local chapters ("Climate – Austin"). */
const ISSUES = [
  'Climate',
  'Housing justice',
  'Public schools',
  'Voting rights',
  'Immigrant rights',
  'Transit riders',
  'Tenants union',
  'Healthcare for all',
  'Clean water',
  'Gun safety',
  'Safe streets',
  'Living wage',
];
/** Communities of interest without a place. */
const STANDALONE = [
  'Fearful flyers',
  'Parents for safe streets',
  'Disability justice',
  'Food security',
  'Libraries for all',
  'Veterans for peace',
  'Caregivers circle',
  'Students for climate',
  'Faith leaders',
  'Small business owners',
];
/** Sub-groups of a chapter ("Climate – Austin: Youth"). */
const GROUPS = ['Youth', 'Spanish speakers', 'Faith leaders', 'Neighborhood captains', 'Seniors', 'Phone bank team'];

type City = { city: string; state: string; timeZone: string; weight: number; label: string };

const CITIES: readonly City[] = (() => {
  const byKey = new Map<string, City>();
  for (const area of AREA_CODES) {
    const key = `${area.city}|${area.state}`;
    const known = byKey.get(key);
    if (known) known.weight += area.weight;
    else byKey.set(key, { city: area.city, state: area.state, timeZone: area.timeZone, weight: area.weight, label: area.city });
  }
  const cities = [...byKey.values()];
  // "Portland" is in Maine and Oregon: name the state where a city name is ambiguous.
  for (const c of cities) if (cities.some((o) => o !== c && o.city === c.city)) c.label = `${c.city}, ${c.state}`;
  return cities;
})();

const slugify = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export type CommunityOptions = Period & { count: number; seed: number };

/**
 * `count` communities: issue networks, their local chapters (weighted by city size), a few sub-groups of chapters,
 * and standalone communities. Parents always come before their children. Returned as an array: there are hundreds
 * or thousands, not millions, and memberships need them all.
 */
export function generateCommunities(options: CommunityOptions): GeneratedCommunity[] {
  const { count, seed } = options;
  const { from, span } = period(options);
  const random = mulberry32(deriveSeed(seed, 'communities'));
  const cityCumulative = cumulate(CITIES.map((c) => c.weight));
  const out: GeneratedCommunity[] = [];
  const names = new Set<string>();
  const createdAt = (position: number) => from + Math.floor(span * 0.75 * (position / Math.max(1, count)));

  const add = (input: Omit<GeneratedCommunity, 'id' | 'slug' | 'created_at'>) => {
    if (out.length >= count || names.has(input.name)) return undefined;
    names.add(input.name);
    const community: GeneratedCommunity = { ...input, id: out.length + 1, slug: slugify(input.name), created_at: createdAt(out.length) };
    out.push(community);
    return community;
  };

  const networkCount = Math.min(ISSUES.length, Math.max(1, Math.round(count * 0.06)));
  const standaloneCount = Math.min(STANDALONE.length, Math.round(count * 0.05));
  const networks: GeneratedCommunity[] = [];
  for (const issue of ISSUES.slice(0, networkCount)) {
    const network = add({ parent_id: null, kind: 'network', name: issue, city: null, state: null, time_zone: null });
    if (network) networks.push(network);
  }
  for (const name of STANDALONE.slice(0, standaloneCount)) {
    add({ parent_id: null, kind: 'standalone', name, city: null, state: null, time_zone: null });
  }

  const chapters: GeneratedCommunity[] = [];
  let misses = 0;
  while (out.length < count && networks.length > 0) {
    const makeGroup = chapters.length > 0 && random() < 0.15;
    let created: GeneratedCommunity | undefined;
    if (makeGroup) {
      const chapter = pick(chapters, random);
      created = add({
        parent_id: chapter.id,
        kind: 'group',
        name: `${chapter.name}: ${pick(GROUPS, random)}`,
        city: chapter.city,
        state: chapter.state,
        time_zone: chapter.time_zone,
      });
    } else {
      const network = pickSkewed(networks, random);
      const city = CITIES[pickWeighted(cityCumulative, random)] as City;
      created = add({
        parent_id: network.id,
        kind: 'chapter',
        name: `${network.name} – ${city.label}`,
        city: city.city,
        state: city.state,
        time_zone: city.timeZone,
      });
      if (created) chapters.push(created);
    }
    if (created) {
      misses = 0;
      continue;
    }
    // Every network × city × group name is taken: number further chapters so any count can be met.
    if (++misses > 200) {
      const network = pick(networks, random);
      const city = pick(CITIES, random);
      created = add({
        parent_id: network.id,
        kind: 'chapter',
        name: `${network.name} – ${city.label} ${out.length + 1}`,
        city: city.city,
        state: city.state,
        time_zone: city.timeZone,
      });
      if (created) chapters.push(created);
    }
  }
  return out;
}

// ── Memberships ─────────────────────────────────────────────────────────────────────────────────────────────────

export type GeneratedMembership = { member_id: number; community_id: number; joined_at: number };

export type MembershipOptions = Period & {
  /** The member stream, e.g. generateMembers() again with the same options (it is deterministic). */
  members: Iterable<readonly GeneratedMember[]>;
  communities: readonly GeneratedCommunity[];
  seed: number;
  batchSize?: number;
};

/** How many communities a member is in: 1 (50%), 2 (28%), 3 (14%) or 4 (8%). */
const MEMBERSHIP_COUNT_CUMULATIVE = cumulate([50, 28, 14, 8]);

/**
 * Each member in 1–4 communities: the first is often a chapter in the member's city, the others follow a Zipf-like
 * popularity (a few communities are large, most are small), so memberships overlap the way real lists do.
 */
export function* generateMemberships(options: MembershipOptions): Generator<GeneratedMembership[], void, undefined> {
  const { communities, seed, batchSize = 1_000 } = options;
  if (communities.length === 0) return;
  const { to } = period(options);
  const random = mulberry32(deriveSeed(seed, 'memberships'));
  const popularity = zipfCumulative(communities.length, 1.05, mulberry32(deriveSeed(seed, 'popularity')));
  const local = new Map<string, number[]>();
  communities.forEach((c, index) => {
    if (c.city === null) return;
    const key = `${c.city}|${c.state}`;
    const list = local.get(key) ?? [];
    list.push(index);
    local.set(key, list);
  });

  let batch: GeneratedMembership[] = [];
  const chosen: number[] = [];
  for (const members of options.members) {
    for (const member of members) {
      const wanted = Math.min(communities.length, pickWeighted(MEMBERSHIP_COUNT_CUMULATIVE, random) + 1);
      const nearby = local.get(`${member.city}|${member.state}`);
      chosen.length = 0;
      for (let tries = 0; chosen.length < wanted && tries < wanted * 10; tries++) {
        const preferLocal = nearby !== undefined && random() < (chosen.length === 0 ? 0.65 : 0.35);
        const index = preferLocal ? pickSkewed(nearby, random) : pickWeighted(popularity, random);
        if (!chosen.includes(index)) chosen.push(index);
      }
      chosen.forEach((index, n) => {
        const community = communities[index] as GeneratedCommunity;
        const earliest = Math.max(member.created_at, community.created_at);
        // Members join their first community when they sign up; later ones mostly soon after.
        const joinedAt =
          n === 0 && community.created_at <= member.created_at ? earliest : earliest + Math.floor((to - earliest) * random() ** 3);
        batch.push({ member_id: member.id, community_id: community.id, joined_at: joinedAt });
      });
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

// ── Actions and activities ──────────────────────────────────────────────────────────────────────────────────────

type ActionKind = 'petition' | 'event' | 'call' | 'survey';

export type GeneratedAction = {
  id: number;
  kind: ActionKind;
  title: string;
  /** The window in which people act on it (an event's sign-up period ends on the event day). */
  starts_at: number;
  ends_at: number;
};

export const ACTIVITY_TYPES = [
  'joined',
  'signed',
  'called',
  'rsvped',
  'attended',
  'answered',
  'clicked',
  'replied',
  'shared',
  'referred',
] as const;
type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Relative frequency of each activity type, and the kind of action it belongs to ('any', or null for none). */
const ACTIVITY_MIX: Readonly<Record<ActivityType, { weight: number; action: ActionKind | 'any' | null }>> = {
  joined: { weight: 10, action: null },
  signed: { weight: 14, action: 'petition' },
  called: { weight: 4, action: 'call' },
  rsvped: { weight: 8, action: 'event' },
  attended: { weight: 5, action: 'event' },
  answered: { weight: 8, action: 'survey' },
  clicked: { weight: 24, action: 'any' },
  replied: { weight: 16, action: null },
  shared: { weight: 8, action: 'any' },
  referred: { weight: 3, action: 'any' },
};
const ACTIVITY_CUMULATIVE = cumulate(ACTIVITY_TYPES.map((t) => ACTIVITY_MIX[t].weight));

const ACTION_KINDS: readonly ActionKind[] = ['petition', 'event', 'call', 'survey'];
const ACTION_KIND_CUMULATIVE = cumulate([45, 25, 15, 15]);
const ACTION_LABEL: Readonly<Record<ActionKind, string>> = { petition: 'Petition', event: 'Event', call: 'Call-in day', survey: 'Survey' };

type ActionOptions = Period & { count: number; seed: number };

/** Actions (petitions, events, call-ins, surveys), each live for 3 to 60 days, spread over the period. */
export function generateActions(options: ActionOptions): GeneratedAction[] {
  const { count, seed } = options;
  const { from, to, span } = period(options);
  const random = mulberry32(deriveSeed(seed, 'actions'));
  return Array.from({ length: count }, (_, i) => {
    const kind = ACTION_KINDS[pickWeighted(ACTION_KIND_CUMULATIVE, random)] ?? 'petition';
    const length = Math.floor((3 + random() * 57) * DAY_MS);
    const startsAt = from + Math.floor(random() * Math.max(1, span - length));
    return {
      id: i + 1,
      kind,
      title: `${ACTION_LABEL[kind]}: ${pick(ISSUES, random)} #${i + 1}`,
      starts_at: startsAt,
      ends_at: Math.min(to, startsAt + length),
    };
  });
}

export type GeneratedActivity = {
  id: number;
  workspace_id: number;
  member_id: number;
  type: ActivityType;
  /** The action acted on; null for joins and replies. */
  action_id: number | null;
  occurred_at: number;
};

export type ActivityOptions = Period & {
  count: number;
  /** How many members generateMembers made (with the same from/to): activities never predate their member. */
  members: number;
  seed: number;
  workspaceId?: number;
  /** Default: one action per 2,000 activities, at least 50. */
  actions?: number;
  batchSize?: number;
};

/**
 * Activities in no particular order, `batchSize` at a time. A minority of members do most of the acting (each member
 * has a fixed "activeness"), activity grows with the list, clusters inside each action's window, and happens in the
 * daytime and evening of US time.
 */
export function* generateActivities(options: ActivityOptions): Generator<GeneratedActivity[], void, undefined> {
  const { count, members, seed, workspaceId = 1, batchSize = 1_000 } = options;
  if (members < 1) throw new Error('generateActivities: needs at least one member');
  const { from, to, span } = period(options);
  const random = mulberry32(deriveSeed(seed, 'activities'));
  const actions = generateActions({ count: options.actions ?? Math.max(50, Math.round(count / 2_000)), seed, from, to });
  const actionPopularity = zipfCumulative(actions.length, 1, mulberry32(deriveSeed(seed, 'action-popularity')));
  const byKind = new Map<ActionKind, { list: GeneratedAction[]; cumulative: Float64Array }>();
  for (const kind of ACTION_KINDS) {
    const list = actions.filter((a) => a.kind === kind);
    if (list.length > 0)
      byKind.set(kind, { list, cumulative: zipfCumulative(list.length, 1, mulberry32(deriveSeed(seed, `popularity:${kind}`))) });
  }
  const activenessSeed = deriveSeed(seed, 'activeness');

  let batch: GeneratedActivity[] = [];
  for (let id = 1; id <= count; id++) {
    let type = ACTIVITY_TYPES[pickWeighted(ACTIVITY_CUMULATIVE, random)] ?? 'clicked';
    const wants = ACTIVITY_MIX[type].action;
    let action: GeneratedAction | undefined;
    if (wants !== null) {
      const pool = wants === 'any' ? undefined : byKind.get(wants);
      if (pool) action = pool.list[pickWeighted(pool.cumulative, random)];
      else {
        // 'any', or too few actions for this kind to exist: a click on some action.
        action = actions[pickWeighted(actionPopularity, random)];
        if (wants !== 'any') type = 'clicked';
      }
    }

    // When: inside the action's window (most of it early), else weighted towards the present as the list grows.
    let t = action
      ? action.starts_at + Math.floor((action.ends_at - action.starts_at) * random() ** 2)
      : from + Math.floor(span * Math.sqrt(random()));
    // Time of day: 8:00 to 22:00 in US Central time (UTC-6), most of it in the afternoon and evening.
    const localHour = 8 + 14 * ((random() + random()) / 2);
    t = Math.floor(t / DAY_MS) * DAY_MS + Math.floor((localHour + 6) * 3_600_000);
    if (t > to) t -= DAY_MS;
    t = Math.min(action?.ends_at ?? to, Math.max(action?.starts_at ?? from, t));

    // Who: a member who had signed up by then, accepted in proportion to their activeness (most rarely act).
    const eligible = membersAt(t, members, from, to);
    let memberId = 1;
    for (let tries = 0; tries < 64; tries++) {
      memberId = 1 + Math.floor(random() * eligible);
      if (random() < hashUnit(activenessSeed, memberId) ** 3) break;
    }
    t = Math.max(t, memberCreatedAt(memberId, members, from, to));

    batch.push({ id, workspace_id: workspaceId, member_id: memberId, type, action_id: action?.id ?? null, occurred_at: t });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
