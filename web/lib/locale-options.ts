type Option = { value: string; label: string };

let timezones: string[] | null = null;
let countries: Option[] | null = null;

/** IANA time zones known to this browser, always including `current` (which may be an alias such as UTC). */
export function timezoneOptions(current?: string): string[] {
  timezones ??= Intl.supportedValuesOf('timeZone');
  return current && !timezones.includes(current) ? [current, ...timezones] : timezones;
}

export function browserTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

// Two-letter codes the browser names but which are not countries numbers can belong to.
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB', 'CP', 'DG', 'EA', 'IC', 'CQ']);

/** ISO 3166-1 alpha-2 countries, labelled in English ("United States (US)"), sorted by name. */
export function countryOptions(): Option[] {
  if (countries) return countries;
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const list: Option[] = [];
  for (let first = 65; first <= 90; first++) {
    for (let second = 65; second <= 90; second++) {
      const code = String.fromCharCode(first, second);
      if (NOT_COUNTRIES.has(code)) continue;
      const name = names.of(code);
      if (name && name !== code) list.push({ value: code, label: `${name} (${code})` });
    }
  }
  countries = list.sort((a, b) => a.label.localeCompare(b.label));
  return countries;
}
