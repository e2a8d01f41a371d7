/**
 * DAQ 2.0 — Dispositif Amont pour la Qualification (seed lines 1–110): the training organisations
 * that run the pre-qualification scheme on its three sites (Dijon, Beaune, Haute Côte d'Or) task
 * Creativ', by a partnership agreement, with anchoring the scheme in the companies' needs. The
 * first half of 2021 went to getting to know the scheme (meeting the three DAQ teams and the trade
 * experts, discovery-pack sessions and the welcome seminar, the DAQ's COPIL and pooling committee)
 * and to the collaborative process (how job offers are shared, a shared tracking file), while
 * spotting the sites' needs. Then the actions per site: in Dijon over 60 company meetings promoting
 * the scheme, a collective company visit, over 57 shared offers; in Beaune a route through the
 * area's shortage trades "from the vine to the wine" with the CFPPA; in Haute Côte d'Or training in
 * the "Maintenance" escape games lent to the industry discovery days. The 2022 outlook: discovery
 * days pooled across the three sites, the DAQ jobs and training forum, more company visits. The
 * seed's 60 meetings and 57 shared offers are the indicators' targets; it gives no target for
 * visits or discovery days. The seed names no COPIL cadence (the training organisations hold it),
 * so the COPIL is a step of the first phase and of the review, not a recurring series.
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart, afterProgrammeStart, afterStep } from './due';

export const daq2Template: TemplateInput = {
  key: 'daq-2',
  version: 1,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'DAQ 2.0 — Dispositif Amont pour la Qualification', en: 'DAQ 2.0 — upstream pre-qualification scheme' },
  description: {
    fr: 'Ancrer le DAQ 2.0 dans les besoins des entreprises sur ses trois sites (Dijon, Beaune, Haute Côte d’Or) : appropriation du dispositif, process de partage des offres, rendez-vous en entreprise et offres partagées, visites d’entreprises et journées découverte métiers, forum DAQ emploi/formation, bilan au COPIL.',
    en: 'Anchor DAQ 2.0 in the companies’ needs on its three sites (Dijon, Beaune, Haute Côte d’Or): getting to know the scheme, a process for sharing job offers, company meetings and shared offers, company visits and trade discovery days, the DAQ jobs and training forum, a review at the steering committee.',
  },
  indicators: [
    { key: 'company-meetings', name: { fr: 'Rendez-vous en entreprise pour promouvoir le dispositif', en: 'Company meetings promoting the scheme' }, target: 60 },
    { key: 'shared-offers', name: { fr: 'Offres d’emploi partagées avec les DAQ', en: 'Job offers shared with the DAQ teams' }, target: 57 },
    { key: 'company-visits', name: { fr: 'Visites d’entreprises', en: 'Company visits' } },
    { key: 'discovery-days', name: { fr: 'Journées découverte métiers', en: 'Trade discovery days' } },
  ],
  phases: [
    {
      key: 'scheme-appropriation',
      name: { fr: 'Appropriation du DAQ 2.0 sur les 3 sites', en: 'Getting to know DAQ 2.0 on its 3 sites' },
      steps: [
        {
          key: 'partnership-agreement',
          name: { fr: 'Convention de partenariat avec les organismes porteurs du DAQ 2.0', en: 'Partnership agreement with the training organisations running DAQ 2.0' },
          description: {
            fr: 'La convention définit la contribution : analyse de postes, repérage des besoins de main d’œuvre, promotion du DAQ et de ses profils, événements et visites d’entreprises, ingénierie de projet, acculturation des équipes à la relation entreprises, réseau d’entreprises (BTP, industries, hôtellerie-restauration-tourisme-commerce, services).',
            en: 'The agreement sets the contribution: job analysis, spotting labour needs, promoting the scheme and its trainees, company events and visits, project engineering, training the teams in company relations, a company network (building, industry, hospitality-tourism-retail, services).',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(30),
          deliverables: [{ kind: 'partnership-agreement', label: { fr: 'Convention de partenariat signée', en: 'Signed partnership agreement' } }],
          milestone: true,
        },
        {
          key: 'daq-teams-meetings',
          name: { fr: 'Rencontre des équipes des 3 DAQ et des experts-métiers', en: 'Meeting the 3 DAQ teams and the trade experts' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['partnership-agreement'],
          due: afterProgrammeStart(60),
        },
        {
          key: 'discovery-sessions',
          name: { fr: 'Participation aux sessions « pack découverte » et au séminaire d’accueil du DAQ', en: 'Taking part in the “discovery pack” sessions and the DAQ welcome seminar' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['partnership-agreement'],
          due: afterProgrammeStart(120),
        },
        {
          key: 'steering-committee',
          name: { fr: 'Participation au COPIL du DAQ et au Comité de mutualisation', en: 'Taking part in the DAQ steering committee and pooling committee' },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(150),
        },
        {
          key: 'offer-sharing-process',
          name: { fr: 'Process de partage des offres et fichier partagé de suivi', en: 'Offer-sharing process and shared tracking file' },
          description: {
            fr: 'Définir avec les équipes DAQ comment les offres d’emploi sont partagées, et créer le fichier partagé de suivi des actions et des offres.',
            en: 'Agree with the DAQ teams how job offers are shared, and set up the shared file tracking the actions and the offers.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['daq-teams-meetings'],
          due: afterProgrammeStart(180),
          deliverables: [{ kind: 'tracking-file', label: { fr: 'Fichier partagé de suivi des actions et des offres', en: 'Shared file tracking the actions and the offers' } }],
          milestone: true,
        },
        {
          key: 'needs-identification',
          name: { fr: 'Repérage des besoins des territoires et des DAQ', en: 'Spotting the needs of the areas and of the DAQ sites' },
          description: {
            fr: 'Autour de la promotion des métiers (pack découverte, formation aux escape games, baromètre, métiers de demain) et de la connaissance de l’entreprise (visites d’entreprises, plaquette présentant le DAQ aux entreprises).',
            en: 'Around promoting trades (discovery pack, escape-game training, barometer, tomorrow’s jobs) and knowing the company world (company visits, a leaflet presenting the DAQ to companies).',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['daq-teams-meetings'],
          due: afterProgrammeStart(180),
        },
      ],
    },
    {
      key: 'site-actions',
      name: { fr: 'Relation entreprises et actions par territoire', en: 'Company relations and actions per site' },
      steps: [
        {
          key: 'company-meetings',
          name: { fr: 'Rendez-vous en entreprise pour promouvoir le DAQ et ses profils', en: 'Company meetings promoting the DAQ and its trainees' },
          description: { fr: 'Enregistrer le nombre de rendez-vous tenus (objectif : 60).', en: 'Record the number of meetings held (target: 60).' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(180),
          indicator: { key: 'company-meetings', atLeast: 60 },
        },
        {
          key: 'shared-offers',
          name: { fr: 'Partage des offres d’emploi avec les équipes DAQ', en: 'Sharing job offers with the DAQ teams' },
          description: { fr: 'Offres suivies dans le fichier partagé ; enregistrer leur nombre (objectif : 57).', en: 'Offers tracked in the shared file; record how many (target: 57).' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(180),
          indicator: { key: 'shared-offers', atLeast: 57 },
          milestone: true,
        },
        {
          key: 'job-analysis',
          name: { fr: 'Analyse de postes sur des métiers à enjeux', en: 'Job analysis for key trades' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(180),
          deliverables: [{ kind: 'job-profiles', label: { fr: 'Fiches de fonction', en: 'Job profiles' } }],
        },
        {
          key: 'company-visits',
          name: { fr: 'Visites collectives d’entreprises pour les stagiaires et les équipes', en: 'Collective company visits for the trainees and the teams' },
          description: {
            fr: 'Préparer les visites avec les équipes DAQ et les stagiaires ; enregistrer le nombre de visites.',
            en: 'Prepare the visits with the DAQ teams and the trainees; record the number of visits.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(120),
          indicator: { key: 'company-visits', atLeast: 1 },
        },
        {
          key: 'vine-to-wine-route',
          name: { fr: 'Parcours des métiers en tension « de la vigne au vin » (DAQ Beaune)', en: '“From the vine to the wine” shortage-trades route (DAQ Beaune)' },
          description: {
            fr: 'Préparation avec l’équipe du DAQ et le CFPPA, mobilisation des professionnels, logistique, contenus pédagogiques suggérés, bilan et recommandations.',
            en: 'Preparation with the DAQ team and the CFPPA, mobilising the professionals, organisation and logistics, suggested teaching content, review and recommendations.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(150),
          deliverables: [{ kind: 'route-review', label: { fr: 'Bilan du parcours et axes de recommandations', en: 'Route review and recommendations' } }],
        },
        {
          key: 'industry-discovery-days',
          name: { fr: 'Escape games « Maintenance » pour les journées découverte Industrie (DAQ Haute Côte d’Or)', en: '“Maintenance” escape games for the industry discovery days (DAQ Haute Côte d’Or)' },
          description: {
            fr: 'Former l’équipe à l’animation des escape games et les mettre à disposition des journées découverte Industrie.',
            en: 'Train the team to run the escape games and lend them to the industry discovery days.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(150),
        },
        {
          key: 'discovery-days',
          name: { fr: 'Journées découverte métiers mutualisées aux 3 DAQ', en: 'Trade discovery days pooled across the 3 DAQ sites' },
          description: { fr: 'Journées sur différents secteurs d’activité ; enregistrer le nombre de journées tenues.', en: 'Days on different sectors; record the number of days held.' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(300),
          indicator: { key: 'discovery-days', atLeast: 1 },
        },
      ],
    },
    {
      key: 'jobs-forum',
      name: { fr: 'Forum DAQ emploi/formation', en: 'DAQ jobs and training forum' },
      steps: [
        {
          key: 'forum-preparation',
          name: { fr: 'Préparation du forum avec les partenaires du DAQ', en: 'Preparing the forum with the DAQ partners' },
          description: {
            fr: 'Mobiliser les entreprises du réseau, professionnaliser les stagiaires dans leur relation aux entreprises.',
            en: 'Mobilise the network’s companies, prepare the trainees for meeting companies.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(45),
        },
        {
          key: 'forum-held',
          name: { fr: 'Tenue du forum DAQ emploi/formation', en: 'Holding the DAQ jobs and training forum' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['forum-preparation'],
          due: afterStep('forum-preparation', 30),
          milestone: true,
        },
      ],
    },
    {
      key: 'review',
      name: { fr: 'Bilan et perspectives', en: 'Review and outlook' },
      steps: [
        {
          key: 'review-at-steering-committee',
          name: { fr: 'Bilan des actions par territoire présenté au COPIL du DAQ', en: 'Review of the actions per site presented to the DAQ steering committee' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(30),
          deliverables: [{ kind: 'review', label: { fr: 'Bilan des actions par territoire', en: 'Review of the actions per site' } }],
          milestone: true,
        },
        {
          key: 'next-actions',
          name: { fr: 'Actions de l’année suivante convenues avec les partenaires du DAQ', en: 'Next year’s actions agreed with the DAQ partners' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['review-at-steering-committee'],
          due: afterStep('review-at-steering-committee', 30),
        },
      ],
    },
  ],
};
