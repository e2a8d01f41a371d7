import { normaliseHeader, parseFrenchDate, parseFrenchNumber } from '../../domain/import-sheet';

describe('import spreadsheet cells in the French Excel dialect', () => {
  it('reads JJ/MM/AAAA dates and refuses other forms and impossible days', () => {
    expect(parseFrenchDate('01/06/2021')).toBe('2021-06-01');
    expect(parseFrenchDate('7/6/2021')).toBe('2021-06-07');
    expect(parseFrenchDate(' 12/11/2021 ')).toBe('2021-11-12');
    expect(parseFrenchDate('2021-06-01')).toBeUndefined();
    expect(parseFrenchDate('06/01/21')).toBeUndefined();
    expect(parseFrenchDate('31/02/2021')).toBeUndefined();
    expect(parseFrenchDate('29/02/2024')).toBe('2024-02-29');
  });

  it('reads numbers with a decimal comma, spaces between thousands and a percent sign', () => {
    expect(parseFrenchNumber('12,5')).toBe(12.5);
    expect(parseFrenchNumber('1 234,5')).toBe(1234.5);
    expect(parseFrenchNumber('1\u202f234')).toBe(1234);
    expect(parseFrenchNumber('69 %')).toBe(69);
    expect(parseFrenchNumber('3.25')).toBe(3.25);
    expect(parseFrenchNumber('quatorze')).toBeUndefined();
    expect(parseFrenchNumber('1,2,3')).toBeUndefined();
  });

  it('matches column names whatever their case, accents or spaces', () => {
    expect(['Clé', ' TYPE ', 'Étape', 'Indicateur', 'Date'].map(normaliseHeader)).toEqual(['cle', 'type', 'etape', 'indicateur', 'date']);
  });
});
