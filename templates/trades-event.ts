/**
 * A trades-promotion event on the model of La Voie des Talents (seed lines 370–560): Creativ', the
 * CMQ, Vitagora, Umih Côte d'Or, the gastronomy committee and the CCI designed it, the Consortium in
 * Dijon hosted it on 11 and 12 October 2021 with the EMA Events agency, for pupils, guidance and
 * employment advisers and job seekers. The seed's counts are the indicators' targets: 912
 * registered, over 900 visitors and 90 speakers, over 50 advisers (lines 395–425); the CCI's
 * post-event offers space, 134 offers from 46 organisations, 463 visitors, 164 applications
 * (lines 427–441); the communication and the swarming kit (lines 446–460). The preparation steps
 * follow the seed's lessons: visitors in flows by time slot (line 468), mobilise the professionals
 * early and brief them (lines 525–533).
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart, afterProgrammeStart, afterStep } from './due';

export const tradesEventTemplate: TemplateInput = {
  key: 'trades-event',
  version: 1,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'Événement de promotion des métiers (type La Voie des Talents)', en: 'Trades-promotion event (La Voie des Talents type)' },
  description: {
    fr: 'Un événement d’orientation et de promotion des métiers par la pratique de gestes professionnels : préparation avec les partenaires, communication et inscriptions, l’événement, les offres post-salon (stages, immersions, emplois) et le bilan chiffré.',
    en: 'A careers and trades-promotion event where visitors try out trade gestures: preparation with the partners, communication and registrations, the event, the post-event offers (placements, immersions, jobs) and the review with its counts.',
  },
  dateParams: ['event-date'],
  labels: {
    roles: {},
    milestones: {},
    dateParams: { 'event-date': { fr: 'Date de l’événement', en: 'Event date' } },
  },
  indicators: [
    { key: 'registrations', name: { fr: 'Inscrits', en: 'Registrations' }, target: 912 },
    { key: 'visitors', name: { fr: 'Visiteurs', en: 'Visitors' }, target: 900 },
    { key: 'speakers', name: { fr: 'Intervenants mobilisés', en: 'Speakers mobilised' }, target: 90 },
    { key: 'advisers', name: { fr: 'Prescripteurs de l’emploi et de l’orientation présents', en: 'Employment and guidance advisers attending' }, target: 50 },
    { key: 'offers-collected', name: { fr: 'Offres post-salon recueillies', en: 'Post-event offers collected' }, target: 134 },
    { key: 'offering-organisations', name: { fr: 'Établissements et entreprises proposant des offres', en: 'Schools and companies offering' }, target: 46 },
    { key: 'offers-space-visitors', name: { fr: 'Visiteurs de l’espace offres post-salon', en: 'Visitors to the post-event offers space' }, target: 463 },
    { key: 'offer-applications', name: { fr: 'Positionnements sur des offres', en: 'Applications to offers' }, target: 164 },
  ],
  phases: [
    {
      key: 'preparation',
      name: { fr: 'Préparation avec les partenaires', en: 'Preparation with the partners' },
      steps: [
        {
          key: 'organising-committee',
          name: { fr: 'Comité d’organisation : concept, publics et parcours', en: 'Organising committee: concept, audiences and visitor route' },
          description: {
            fr: 'Avec les partenaires (CMQ, branches, chambre consulaire) : publics visés (scolaires, prescripteurs, demandeurs d’emploi), parcours découverte, stands métiers et espace offres.',
            en: 'With the partners (CMQ, sector bodies, chamber of commerce): target audiences (pupils, advisers, job seekers), discovery route, trade stands and offers space.',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(30),
          deliverables: [{ kind: 'event-concept', label: { fr: 'Note de concept de l’événement', en: 'Event concept note' } }],
        },
        {
          key: 'venue-and-agency',
          name: { fr: 'Réservation du lieu et choix de l’agence événementielle', en: 'Booking the venue and choosing the events agency' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['organising-committee'],
          due: afterStep('organising-committee', 30),
        },
        {
          key: 'speakers-mobilisation',
          name: { fr: 'Mobilisation des professionnels et des formateurs', en: 'Mobilising the professionals and the trainers' },
          description: {
            fr: 'Mobiliser tôt les entreprises (le processus de décision des grandes entreprises est long) ; enregistrer le nombre d’intervenants.',
            en: 'Mobilise the companies early (large companies decide slowly); record how many speakers take part.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['organising-committee'],
          due: afterStep('organising-committee', 60),
          indicator: { key: 'speakers', atLeast: 1 },
        },
        {
          key: 'speakers-briefing',
          name: { fr: 'Briefing des professionnels et des enseignants', en: 'Briefing the professionals and the teachers' },
          description: {
            fr: 'Expliquer le concept et les animations, préparer la façon d’aborder les visiteurs.',
            en: 'Explain the concept and the activities, prepare how to approach the visitors.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['speakers-mobilisation'],
          due: { from: 'param', param: 'event-date' },
        },
      ],
    },
    {
      key: 'registrations',
      name: { fr: 'Communication et inscriptions', en: 'Communication and registrations' },
      steps: [
        {
          key: 'event-communication',
          name: { fr: 'Communication : annonce de la date, réseaux sociaux, presse', en: 'Communication: save the date, social networks, press' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(14),
        },
        {
          key: 'offers-collection',
          name: { fr: 'Collecte des offres de stage, d’immersion et d’emploi', en: 'Collecting placement, immersion and job offers' },
          description: {
            fr: 'Recueillir auprès des établissements et entreprises les offres présentées sur l’espace offres post-salon ; enregistrer leur nombre et celui des structures.',
            en: 'Collect from schools and companies the offers shown in the post-event offers space; record how many, and from how many organisations.',
          },
          assignee: { kind: 'coordinator' },
          due: { from: 'param', param: 'event-date' },
          indicator: { key: 'offers-collected', atLeast: 1 },
        },
        {
          key: 'registrations-close',
          name: { fr: 'Clôture des inscriptions', en: 'Closing the registrations' },
          description: {
            fr: 'Inscriptions des groupes scolaires, des prescripteurs et des demandeurs d’emploi, réparties par créneau pour organiser les flux ; enregistrer le nombre d’inscrits.',
            en: 'Registrations of school groups, advisers and job seekers, spread over time slots to organise the flows; record the number registered.',
          },
          assignee: { kind: 'coordinator' },
          due: { from: 'param', param: 'event-date' },
          indicator: { key: 'registrations', atLeast: 1 },
        },
      ],
    },
    {
      key: 'event',
      name: { fr: 'L’événement', en: 'The event' },
      steps: [
        {
          key: 'event-held',
          name: { fr: 'Tenue de l’événement', en: 'Holding the event' },
          description: {
            fr: 'Parcours découverte (personnalité, gestes métiers, échanges avec formateurs et professionnels, offre de formation), puis espace offres post-salon ; enregistrer le nombre de visiteurs.',
            en: 'Discovery route (personality, trade gestures, talks with trainers and professionals, training offer), then the post-event offers space; record the number of visitors.',
          },
          assignee: { kind: 'coordinator' },
          due: { from: 'param', param: 'event-date' },
          indicator: { key: 'visitors', atLeast: 1 },
          milestone: true,
        },
      ],
    },
    {
      key: 'post-event-offers',
      name: { fr: 'Offres post-salon', en: 'Post-event offers' },
      steps: [
        {
          key: 'offers-follow-up',
          name: { fr: 'Retour aux entreprises sur les positionnements des visiteurs', en: 'Telling the companies which visitors applied' },
          description: {
            fr: 'Informer les entreprises et établissements des marques d’intérêt des visiteurs pour leurs offres ; enregistrer le nombre de positionnements.',
            en: 'Tell the companies and schools which visitors showed interest in their offers; record the number of applications.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(15),
          indicator: { key: 'offer-applications', atLeast: 1 },
        },
      ],
    },
    {
      key: 'review',
      name: { fr: 'Bilan', en: 'Review' },
      steps: [
        {
          key: 'media-coverage',
          name: { fr: 'Retombées presse et vidéos métiers', en: 'Press coverage and trade videos' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(30),
          deliverables: [{ kind: 'press-review', label: { fr: 'Revue de presse', en: 'Press review' } }],
        },
        {
          key: 'event-review',
          name: { fr: 'Bilan de l’événement avec les partenaires', en: 'Event review with the partners' },
          description: {
            fr: 'Inscrits, visiteurs par public, offres et positionnements ; ce qui a bien fonctionné et ce qui reste à améliorer pour une prochaine édition.',
            en: 'Registrations, visitors by audience, offers and applications; what worked well and what to improve for a next edition.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['media-coverage'],
          due: afterPhaseStart(45),
          deliverables: [{ kind: 'event-review', label: { fr: 'Bilan de l’événement', en: 'Event review' } }],
          milestone: true,
        },
        {
          key: 'swarming-kit',
          name: { fr: 'Kit d’essaimage pour de futurs porteurs', en: 'Swarming kit for future organisers' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['event-review'],
          due: afterStep('event-review', 30),
          deliverables: [{ kind: 'swarming-kit', label: { fr: 'Kit d’essaimage', en: 'Swarming kit' } }],
        },
      ],
    },
  ],
};
