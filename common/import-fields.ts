/**
 * The custom-field key a spreadsheet column becomes ("Volunteer Shift" → volunteer_shift): what the import stores and
 * what the dashboard's mapping step offers. Shared so the two never disagree.
 */
export function customKeyOf(header: string): string {
  const slug = header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  return /^[a-z]/.test(slug) ? slug : `f_${slug}`.slice(0, 40);
}
