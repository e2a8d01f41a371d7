import { checkTemplateDraft } from '../../domain/template-problems';
import { labelText, resolveTemplateLabels } from '../../domain/template-labels';
import { listLabelledCodes } from '../../domain/template-codes';
import { ZTemplate, validateTemplate, type TemplateInput } from '../../domain/template-schema';
import { BUILT_IN_TEMPLATES, defiTemplate, tenderTemplate } from '../../templates';
import { labelsOf } from '../../templates/labels';
import { fr } from '../../web/src/i18n/fr';

/** A template stored before templates carried labels: the built-in tender without them. */
function unlabelled(t: TemplateInput): TemplateInput {
  const { labels: _dropped, ...rest } = t;
  return rest;
}

describe('template labels: every role, module milestone and date parameter is named in the template', () => {
  it('names every code of every built-in template in French, with the words of the glossary', () => {
    for (const t of BUILT_IN_TEMPLATES) {
      for (const { kind, key } of listLabelledCodes(t)) {
        const label = t.labels?.[kind]?.[key];
        expect({ template: t.key, kind, key, fr: typeof label?.fr === 'string' && label.fr.length > 0 }).toEqual({ template: t.key, kind, key, fr: true });
      }
    }
    expect(tenderTemplate.labels).toMatchObject({
      roles: { winner: { fr: 'Prestataire retenu' } },
      milestones: { 'consultation-sent': { fr: 'Consultation envoyée' }, assessed: { fr: 'Réponses instruites' }, awarded: { fr: 'Marché attribué' } },
      dateParams: { 'answers-deadline': { fr: 'Date limite de réponse des prestataires' } },
    });
    expect(Object.keys(defiTemplate.labels?.roles ?? {}).sort()).toEqual(['digital-contractor', 'evaluator', 'theatre-contractor']);
  });

  it('lists the tender’s codes: the award’s role, the modules’ milestones, the answers deadline', () => {
    expect(listLabelledCodes(tenderTemplate)).toEqual([
      { kind: 'milestones', key: 'consultation-sent' },
      { kind: 'milestones', key: 'assessed' },
      { kind: 'roles', key: 'winner' },
      { kind: 'milestones', key: 'awarded' },
      { kind: 'dateParams', key: 'answers-deadline' },
    ]);
  });

  it('refuses to publish a template whose role, milestone or date lacks a French label, each problem next to its label field', () => {
    const withoutWinner = { ...tenderTemplate, labels: { ...tenderTemplate.labels, roles: {}, dateParams: { 'answers-deadline': { fr: '  ' } } } };
    const checked = checkTemplateDraft(withoutWinner);
    expect(checked.template).toBeUndefined();
    expect(checked.problems.map((p) => [p.path, p.code, p.values])).toEqual([
      ['labels.dateParams.answers-deadline.fr', 'required', { minimum: 1 }],
      ['labels.roles.winner.fr', 'label_missing_roles', { key: 'winner' }],
    ]);
    const noLabels = checkTemplateDraft(unlabelled(tenderTemplate));
    expect(noLabels.problems.map((p) => p.path).sort()).toEqual([
      'labels.dateParams.answers-deadline.fr',
      'labels.milestones.assessed.fr',
      'labels.milestones.awarded.fr',
      'labels.milestones.consultation-sent.fr',
      'labels.roles.winner.fr',
    ]);
    // The editor says each in French.
    for (const p of noLabels.problems) expect(fr.editor.problem[p.code as keyof typeof fr.editor.problem]).toMatch(/Donnez un nom en français/);
    expect(validateTemplate(unlabelled(tenderTemplate)).ok).toBe(false);
  });

  it('accepts a French label alone (English optional) and reads it in either language', () => {
    const t = { ...tenderTemplate, labels: { ...tenderTemplate.labels, roles: { winner: { fr: 'Titulaire du marché' } } } };
    const checked = checkTemplateDraft(t);
    expect(checked.problems).toEqual([]);
    expect(labelText(checked.template!.labels, 'roles', 'winner', 'fr')).toBe('Titulaire du marché');
    expect(labelText(checked.template!.labels, 'roles', 'winner', 'en')).toBe('Titulaire du marché');
    expect(labelText(checked.template!.labels, 'milestones', 'awarded', 'en')).toBe('Contract awarded');
  });

  it('still reads a version stored without labels, and names its codes from the built-in template of the same key', () => {
    const stored = ZTemplate.parse(unlabelled(tenderTemplate));
    expect(stored.labels).toEqual({ roles: {}, milestones: {}, dateParams: {} });
    const labels = labelsOf(stored);
    expect(labelText(labels, 'roles', 'winner')).toBe('Prestataire retenu');
    expect(labelText(labels, 'milestones', 'consultation-sent')).toBe('Consultation envoyée');
    expect(labelText(labels, 'dateParams', 'answers-deadline')).toBe('Date limite de réponse des prestataires');
  });

  it('gives a neutral word, never the code, to a code no template names', () => {
    const custom = ZTemplate.parse({ ...unlabelled(tenderTemplate), key: 'my-own-tender' });
    const labels = labelsOf(custom);
    expect(labelText(labels, 'roles', 'winner')).toBe('Rôle à pourvoir');
    expect(labelText(labels, 'milestones', 'awarded', 'en')).toBe('Milestone reached');
    expect(labelText(resolveTemplateLabels(custom), 'dateParams', 'answers-deadline')).toBe('Date à fournir');
    expect(labelText(labels, 'roles', 'never-declared')).toBe('Rôle à pourvoir');
  });
});

describe('labels sent to the template editor', () => {
  it('borrows the built-in names but leaves a code nobody named unnamed, so its author must name it', () => {
    const custom = ZTemplate.parse({ ...unlabelled(tenderTemplate), key: 'my-own-tender' });
    expect(labelsOf(custom, { neutral: false })).toEqual({ roles: {}, milestones: {}, dateParams: {} });
    expect(checkTemplateDraft({ ...custom, labels: labelsOf(custom, { neutral: false }) }).problems.map((p) => p.code)).toContain('label_missing_roles');
    const old = ZTemplate.parse(unlabelled(tenderTemplate));
    expect(labelsOf(old, { neutral: false }).roles.winner).toEqual({ fr: 'Prestataire retenu', en: 'Chosen provider' });
  });
});
