/**
 * Tender (consultation / marché), from the specification to the accepted deliverables.
 * Seed: the health-industries hub's escape-game and website consultations ("écriture du
 * cahier des charges, envoi à trois prestataires, instruction des réponses, notification
 * et signature du contrat", July 2021; kick-off 26 August; deliverables due March 2022)
 * and DEFI's three framing contractors.
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart, afterStep } from './due';

export const tenderTemplate: TemplateInput = {
  key: 'tender',
  // Version 2: due dates on a weekend or a French public holiday move to the next working day.
  version: 2,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'Consultation / marché', en: 'Tender' },
  description: {
    fr: "Du cahier des charges à la réception des livrables : consultation d'au moins trois prestataires, réponses avant la date limite, instruction sur critères pondérés, attribution, notification, contrat, réunion de lancement.",
    en: 'From the specification to accepted deliverables: consult at least three providers, collect answers by the deadline, assess them on weighted criteria, award, notify, sign, kick off.',
  },
  dateParams: ['answers-deadline'],
  labels: {
    roles: { winner: { fr: 'Prestataire retenu', en: 'Chosen provider' } },
    milestones: {
      'consultation-sent': { fr: 'Consultation envoyée', en: 'Tender sent' },
      assessed: { fr: 'Réponses instruites', en: 'Bids assessed' },
      awarded: { fr: 'Marché attribué', en: 'Contract awarded' },
    },
    dateParams: { 'answers-deadline': { fr: 'Date limite de réponse des prestataires', en: 'Deadline for the providers’ answers' } },
  },
  phases: [
    {
      key: 'specification',
      name: { fr: 'Cahier des charges', en: 'Specification' },
      steps: [
        {
          key: 'write-specification',
          name: { fr: 'Rédaction du cahier des charges', en: 'Write the specification' },
          description: {
            fr: 'Besoin, livrables attendus, calendrier, critères de jugement des offres (prix, valeur technique).',
            en: 'Need, expected deliverables, timetable, award criteria (price, technical value).',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(30),
          deliverables: [{ kind: 'specification', label: { fr: 'Cahier des charges', en: 'Specification' } }],
        },
      ],
    },
    {
      key: 'consultation',
      name: { fr: 'Consultation des prestataires', en: 'Consultation of providers' },
      // The providers consulted are the organisations enrolled in this phase.
      capacity: { min: 3, max: 30 },
      steps: [
        {
          key: 'send',
          name: { fr: 'Envoi de la consultation', en: 'Send the tender' },
          description: {
            fr: 'Inscrire au moins trois prestataires dans cette phase, puis envoyer le cahier des charges à chacun.',
            en: 'Enrol at least three providers in this phase, then send each of them the specification.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(7),
          module: { name: 'tender-consultation', config: { minProviders: 3 } },
        },
        {
          key: 'answers',
          name: { fr: 'Réponses des prestataires', en: 'Providers’ answers' },
          description: {
            fr: "Chaque prestataire consulté dépose son offre avant la date limite ; une offre tardive est refusée. Après la date limite, le chargé de projet clôt la collecte.",
            en: 'Each consulted provider uploads its bid before the deadline; a late bid is refused. After the deadline the coordinator closes the collection.',
          },
          assignee: { kind: 'eachPartner' },
          dependsOn: ['send'],
          due: { from: 'param', param: 'answers-deadline' },
          deliverables: [{ kind: 'bid', label: { fr: 'Offre', en: 'Bid' } }],
          // Reminders before the deadline only: after it, late bids are refused anyway.
          reminders: { unit: 'days', beforeDue: [7, 1], onDue: true, overdueEvery: null, escalateAfter: null },
          module: { name: 'tender-bids' },
        },
      ],
    },
    {
      key: 'assessment',
      name: { fr: 'Instruction des réponses', en: 'Assessment of the answers' },
      steps: [
        {
          key: 'assessment',
          name: { fr: 'Instruction des réponses', en: 'Assess the answers' },
          description: {
            fr: 'Noter chaque offre reçue de 0 à 20 sur chaque critère : prix (40 %), valeur technique (60 %).',
            en: 'Score every bid received from 0 to 20 on each criterion: price (40%), technical value (60%).',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(15),
          module: {
            name: 'tender-assessment',
            config: {
              bidsStep: 'answers',
              criteria: [
                { key: 'price', weight: 40 },
                { key: 'technical', weight: 60 },
              ],
            },
          },
        },
        {
          key: 'award',
          name: { fr: 'Choix du prestataire retenu', en: 'Award' },
          description: {
            fr: 'Désigner le prestataire retenu parmi les offres instruites ; le candidat retenu et les candidats non retenus sont avertis.',
            en: 'Choose the winner among the assessed bidders; the winner and the unsuccessful bidders are told.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['assessment'],
          due: afterStep('assessment', 7),
          milestone: true,
          module: { name: 'tender-award', config: { slot: 'winner' } },
        },
      ],
    },
    {
      key: 'notification',
      name: { fr: 'Notification', en: 'Notification' },
      steps: [
        {
          key: 'notify',
          name: { fr: 'Notification du marché', en: 'Award notification' },
          description: {
            fr: "Envoi des courriers officiels : notification au titulaire, lettres de rejet aux candidats non retenus.",
            en: 'Send the formal letters: notification to the winner, rejection letters to the unsuccessful bidders.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(7),
          milestone: true,
        },
      ],
    },
    {
      key: 'contract',
      name: { fr: 'Contrat et exécution', en: 'Contract and delivery' },
      steps: [
        {
          key: 'contract-signed',
          name: { fr: 'Signature du contrat', en: 'Contract signed' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(30),
          milestone: true,
        },
        {
          key: 'kick-off',
          name: { fr: 'Réunion de lancement de la prestation', en: 'Kick-off meeting' },
          description: {
            fr: 'Le prestataire retenu présente sa démarche ; le commanditaire et les partenaires expriment leurs attentes.',
            en: 'The contractor presents its approach; the client and the partners state their expectations.',
          },
          assignee: { kind: 'slot', slot: 'winner' },
          dependsOn: ['contract-signed'],
          due: afterStep('contract-signed', 30),
        },
        {
          key: 'deliverables',
          name: { fr: 'Remise et réception des livrables', en: 'Deliverables handed over and accepted' },
          description: {
            fr: 'Par exemple 9 boîtes d’escape game, 3 scénarios et une demi-journée de formation à l’animation ; chaque livrable est réceptionné par le chargé de projet.',
            en: 'For instance 9 escape-game boxes, 3 scenarios and half a day of facilitator training; each deliverable is accepted by the coordinator.',
          },
          assignee: { kind: 'slot', slot: 'winner' },
          dependsOn: ['kick-off'],
          due: afterStep('kick-off', 210),
          deliverables: [{ kind: 'deliverable', label: { fr: 'Livrable', en: 'Deliverable' }, acceptance: true }],
          milestone: true,
        },
      ],
    },
  ],
};
