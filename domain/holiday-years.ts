/**
 * The years the working-day calendar knows (domain/french-public-holidays.ts). Wider than
 * DATE_RANGE (1990–2100) so that arithmetic reaching a little past either end (a working-day
 * offset from 2100-12-31) still answers and is then refused as out of range.
 */
export const HOLIDAY_YEARS = { first: 1980, last: 2110 } as const;
