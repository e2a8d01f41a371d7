/**
 * An answer to a call for projects or for expressions of interest (appel à projets, AAP / appel à
 * manifestation d'intérêt, AMI), as the seed tells three of them: the Hub's answer to the Region's
 * "Initiatives territoriales" call with the CNAM, UIMM and the BFCare cluster, retained and launched
 * by a kick-off meeting of all the partners on 24 November that set the working framework and
 * method (seed lines 1005–1019); the Hub's answer to "actions innovantes d'information sur les
 * métiers et les formations", retained (lines 1021–1028); Creativ' and Numeum's answer to the same
 * Region call, not retained at the end of 2021, Numeum taking time to weigh a new application
 * (lines 919–925). The funder's answer is the step's outcome: retained opens the launch and the
 * delivery; not retained skips them and opens the debrief instead.
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart, afterProgrammeStart, afterStep } from './due';

export const callForProjectsTemplate: TemplateInput = {
  key: 'call-for-projects',
  version: 1,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'Réponse à un appel à projets (AAP / AMI)', en: 'Answer to a call for projects (AAP / AMI)' },
  description: {
    fr: 'Monter le partenariat et le dossier de candidature, déposer avant la date limite, enregistrer la réponse du financeur : si le projet est retenu, réunion de lancement avec l’ensemble des partenaires, convention, mise en œuvre et bilan ; sinon, retour d’expérience et décision de redéposer.',
    en: 'Build the partnership and the application, submit it by the deadline, record the funder’s answer: if the project is retained, a kick-off meeting with all the partners, the funding agreement, delivery and final report; if not, a debrief and the decision whether to apply again.',
  },
  dateParams: ['submission-deadline'],
  labels: {
    roles: {},
    milestones: {},
    dateParams: { 'submission-deadline': { fr: 'Date limite de dépôt des candidatures', en: 'Application deadline' } },
    outcomes: {
      retained: { fr: 'Retenu', en: 'Retained' },
      'not-retained': { fr: 'Non retenu', en: 'Not retained' },
    },
  },
  phases: [
    {
      key: 'applying',
      name: { fr: 'Montage de la candidature', en: 'Preparing the application' },
      steps: [
        {
          key: 'partnership',
          name: { fr: 'Constitution du partenariat', en: 'Building the partnership' },
          description: {
            fr: 'Échanger avec la branche ou les partenaires sur leurs besoins et convenir de répondre ensemble (par exemple CNAM, UIMM, pôle BFCare et Creativ’).',
            en: 'Discuss their needs with the sector body or the partners and agree to answer together (for instance CNAM, UIMM, BFCare cluster and Creativ’).',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(14),
        },
        {
          key: 'application-file',
          name: { fr: 'Rédaction du dossier de candidature', en: 'Writing the application' },
          description: {
            fr: 'Projet, partenaires, plan d’action, budget et lettres d’engagement des partenaires, selon le cahier des charges de l’appel.',
            en: 'Project, partners, action plan, budget and the partners’ letters of commitment, as the call’s specification asks.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['partnership'],
          due: afterStep('partnership', 21),
          deliverables: [{ kind: 'application-file', label: { fr: 'Dossier de candidature', en: 'Application file' } }],
        },
      ],
    },
    {
      key: 'decision',
      name: { fr: 'Dépôt et réponse du financeur', en: 'Submission and funder’s answer' },
      steps: [
        {
          key: 'submission',
          name: { fr: 'Dépôt de la candidature', en: 'Submitting the application' },
          assignee: { kind: 'coordinator' },
          due: { from: 'param', param: 'submission-deadline' },
          deliverables: [{ kind: 'submission-receipt', label: { fr: 'Accusé de dépôt', en: 'Submission receipt' } }],
          milestone: true,
        },
        {
          key: 'funder-answer',
          name: { fr: 'Réponse du financeur', en: 'Funder’s answer' },
          description: {
            fr: 'Enregistrer la réponse reçue : retenu (le lancement s’ouvre) ou non retenu (retour d’expérience).',
            en: 'Record the answer received: retained (the launch opens) or not retained (debrief).',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['submission'],
          due: afterStep('submission', 90),
          outcomes: ['retained', 'not-retained'],
          milestone: true,
        },
        {
          // No due rule: a step on the branch not assumed has no date in the preview.
          key: 'debrief',
          name: { fr: 'Retour d’expérience et décision de redéposer', en: 'Debrief and decision whether to apply again' },
          description: {
            fr: 'Demander les motifs du refus au financeur, en tirer les enseignements avec les partenaires et décider d’un nouveau dépôt.',
            en: 'Ask the funder why the project was not retained, draw the lessons with the partners and decide whether to apply again.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['funder-answer'],
          when: { step: 'funder-answer', outcome: 'not-retained' },
        },
      ],
    },
    {
      key: 'launch',
      name: { fr: 'Lancement du projet retenu', en: 'Launching the retained project' },
      when: { step: 'funder-answer', outcome: 'retained' },
      steps: [
        {
          key: 'funding-agreement',
          name: { fr: 'Signature de la convention de financement', en: 'Signing the funding agreement' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(30),
          deliverables: [{ kind: 'funding-agreement', label: { fr: 'Convention de financement signée', en: 'Signed funding agreement' } }],
        },
        {
          key: 'kick-off',
          name: { fr: 'Réunion de lancement avec l’ensemble des partenaires', en: 'Kick-off meeting with all the partners' },
          description: {
            fr: 'Définir collectivement le cadre de travail et la méthodologie à suivre pour atteindre les objectifs.',
            en: 'Agree together on the working framework and the method to reach the objectives.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(45),
          deliverables: [{ kind: 'kick-off-minutes', label: { fr: 'Compte rendu de la réunion de lancement', en: 'Kick-off meeting minutes' } }],
          milestone: true,
        },
      ],
    },
    {
      key: 'delivery',
      name: { fr: 'Mise en œuvre et bilan', en: 'Delivery and report' },
      when: { step: 'funder-answer', outcome: 'retained' },
      steps: [
        {
          key: 'actions-delivery',
          name: { fr: 'Réalisation des actions du projet', en: 'Carrying out the project’s actions' },
          description: {
            fr: 'Conduire le plan d’action avec les partenaires (par exemple kit de sensibilisation, escape game, site internet, consultations de prestataires).',
            en: 'Carry out the action plan with the partners (for instance an awareness kit, an escape game, a website, provider tenders).',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(300),
        },
        {
          key: 'final-report',
          name: { fr: 'Bilan final au financeur', en: 'Final report to the funder' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['actions-delivery'],
          due: afterStep('actions-delivery', 60),
          deliverables: [{ kind: 'final-report', label: { fr: 'Bilan final', en: 'Final report' } }],
          milestone: true,
        },
      ],
    },
  ],
};
