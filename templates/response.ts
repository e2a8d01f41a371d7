/**
 * RESPONSE (seed lines 1597–1715): a European smart-city project piloted by Dijon Métropole and
 * co-piloted by EDF over five years (2020–2025), with Dijon and Turku as pilot cities, to build
 * positive-energy districts. Its jobs and training strand, in the Fontaine d'Ouche priority
 * neighbourhood, links the public, training routes and companies to promote building and energy
 * trades. From May 2021 a working group (Creativ', the Rectorat, Dijon Métropole) held working
 * sessions that built an action plan for pupils, teachers, trainers, job seekers retraining,
 * work-study employees and companies; first actions: the project presented to the public and to
 * the employment and training partners during the school-company and industry weeks (10
 * professionals of the PLIE, Mission Locale, DAQ and ARIQ, a group of young people from the
 * Mission Locale), a climate fresco tested. The actions retained: building-site visits and
 * professional meetings, placements in the project's companies, a serious game on the trades and
 * the works (Campus, Arcanium for the scenario), a "get smart" forum on a Friday and a Saturday
 * (2023), a speed dating with building companies, and social inclusion clauses in the works
 * contracts of the social landlords, then support for the companies fulfilling them (a first site
 * started in 2021). The 10 professionals are the presentation's target; the seed gives no other
 * count, so the other indicators have none.
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart, afterProgrammeStart, afterStep } from './due';

export const responseTemplate: TemplateInput = {
  key: 'response',
  version: 1,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'RESPONSE — volet emploi-formation des îlots à énergie positive', en: 'RESPONSE — jobs and training strand of the positive-energy districts' },
  description: {
    fr: 'Projet européen piloté par Dijon Métropole (2020-2025) : un groupe de travail construit un plan d’action pour promouvoir les métiers du BTP et de l’énergie auprès des publics du quartier, puis le met en œuvre (visites de chantiers, stages, serious game, forum, speed dating, clauses sociales d’insertion dans les marchés de travaux) et en fait le bilan.',
    en: 'A European project piloted by Dijon Métropole (2020–2025): a working group builds an action plan to promote building and energy trades to the neighbourhood’s public, then carries it out (site visits, placements, a serious game, a forum, speed dating, social inclusion clauses in the works contracts) and reviews it.',
  },
  indicators: [
    { key: 'presentation-professionals', name: { fr: 'Professionnels de l’emploi et de la formation à la présentation du projet', en: 'Employment and training professionals at the project’s presentation' }, target: 10 },
    { key: 'site-visits', name: { fr: 'Visites de chantiers et rencontres professionnelles', en: 'Site visits and professional meetings' } },
    { key: 'placements', name: { fr: 'Stages dans les entreprises du projet', en: 'Placements in the project’s companies' } },
    { key: 'speed-dating-hires', name: { fr: 'Embauches à la suite du speed dating', en: 'Hires after the speed dating' } },
    { key: 'clause-works-sites', name: { fr: 'Chantiers comportant des clauses sociales d’insertion', en: 'Works sites with social inclusion clauses' } },
  ],
  phases: [
    {
      key: 'working-group',
      name: { fr: 'Groupe de travail emploi-formation', en: 'Jobs and training working group' },
      steps: [
        {
          key: 'working-group-set-up',
          name: { fr: 'Mise en place du groupe de travail avec le Rectorat et Dijon Métropole', en: 'Setting up the working group with the Rectorat and Dijon Métropole' },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(30),
        },
        {
          key: 'working-sessions',
          name: { fr: 'Sessions de travail sur les métiers de la transition énergétique', en: 'Working sessions on the energy-transition trades' },
          description: {
            fr: 'Imaginer des événements emploi/formation autour des métiers de la transition énergétique, pour les publics en reconversion professionnelle notamment.',
            en: 'Devise jobs and training events around the energy-transition trades, for people retraining in particular.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['working-group-set-up'],
          due: afterStep('working-group-set-up', 120),
        },
      ],
    },
    {
      key: 'action-plan',
      name: { fr: 'Plan d’action et premières actions', en: 'Action plan and first actions' },
      steps: [
        {
          key: 'project-presentation',
          name: { fr: 'Présentation du projet aux publics et aux partenaires de l’emploi et de la formation', en: 'Presenting the project to the public and to the employment and training partners' },
          description: {
            fr: 'Pendant la semaine École-Entreprises et la semaine de l’industrie, autour de la maquette du projet : session pour les partenaires (PLIE, Mission Locale, DAQ, ARIQ, enseignants), session pour un groupe de demandeurs d’emploi ; enregistrer le nombre de professionnels présents.',
            en: 'During the school-company week and the industry week, around the project’s model: a session for the partners (PLIE, Mission Locale, DAQ, ARIQ, teachers), a session for a group of job seekers; record how many professionals attended.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(60),
          indicator: { key: 'presentation-professionals', atLeast: 1 },
        },
        {
          key: 'climate-fresco',
          name: { fr: 'Test d’une Fresque du climat avant de la proposer aux stagiaires', en: 'Trying out a Climate Fresco before offering it to trainees' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(60),
        },
        {
          key: 'action-plan',
          name: { fr: 'Plan d’action à destination des publics', en: 'Action plan for the public' },
          description: {
            fr: 'Collégiens, lycéens, enseignants, formateurs, demandeurs d’emploi en reconversion, salariés en alternance, entreprises : les actions retenues pour promouvoir les filières du BTP et de l’énergie.',
            en: 'Secondary-school pupils, teachers, trainers, job seekers retraining, work-study employees, companies: the actions retained to promote building and energy trades.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(90),
          deliverables: [{ kind: 'action-plan', label: { fr: 'Plan d’action', en: 'Action plan' } }],
          milestone: true,
        },
      ],
    },
    {
      key: 'promotion-actions',
      name: { fr: 'Actions de promotion des métiers du BTP et de l’énergie', en: 'Actions promoting building and energy trades' },
      steps: [
        {
          key: 'site-visits',
          name: { fr: 'Visites de chantiers et rencontres avec des professionnels', en: 'Site visits and meetings with professionals' },
          description: {
            fr: 'Selon l’avancée des travaux, pour des publics mêlant personnes en reconversion et scolaires ; enregistrer le nombre de visites.',
            en: 'As the works progress, for groups mixing people retraining and pupils; record the number of visits.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(365),
          indicator: { key: 'site-visits', atLeast: 1 },
        },
        {
          key: 'placements',
          name: { fr: 'Stages sur les chantiers d’éco-rénovation des entreprises du projet', en: 'Placements on the project companies’ eco-renovation sites' },
          description: { fr: 'Enregistrer le nombre de stages.', en: 'Record the number of placements.' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(365),
          indicator: { key: 'placements', atLeast: 1 },
        },
        {
          key: 'serious-game',
          name: { fr: 'Serious game de découverte des métiers et des réalisations techniques', en: 'Serious game on the trades and the technical works' },
          description: {
            fr: 'Piloté par le Campus, scénario avec Arcanium, application développée par un établissement partenaire ; accessible par QR code aux habitants de la Fontaine d’Ouche, aux établissements scolaires et aux organismes de formation pour suivre les travaux et découvrir les corps de métiers.',
            en: 'Led by the Campus, scenario with Arcanium, the app built by a partner school; reached by QR code by Fontaine d’Ouche residents, schools and training organisations to follow the works and discover the trades involved.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(365),
          deliverables: [{ kind: 'serious-game', label: { fr: 'Serious game', en: 'Serious game' }, acceptance: true }],
        },
        {
          key: 'get-smart-forum',
          name: { fr: 'Forum « Get smart » sur la transition énergétique', en: '“Get smart” forum on the energy transition' },
          description: {
            fr: 'Un vendredi et un samedi, pour les demandeurs d’emploi, les personnes en formation, les alternants, les élèves et étudiants et les habitants du quartier : métiers, réalisations et formations.',
            en: 'On a Friday and a Saturday, for job seekers, trainees, work-study employees, pupils and students and the neighbourhood’s residents: trades, works and training.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(540),
          milestone: true,
        },
        {
          key: 'speed-dating',
          name: { fr: 'Speed dating avec les entreprises du bâtiment', en: 'Speed dating with building companies' },
          description: { fr: 'Faire rencontrer directement les publics et les entreprises ; enregistrer les embauches qui en découlent.', en: 'Let the public meet the companies directly; record the hires that follow.' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(540),
        },
        {
          key: 'social-clauses',
          name: { fr: 'Clauses sociales d’insertion dans les marchés de travaux des bailleurs sociaux', en: 'Social inclusion clauses in the social landlords’ works contracts' },
          description: {
            fr: 'Intégrer les clauses dans les marchés des donneurs d’ordres (opérations subventionnées par l’ANRU) ; enregistrer le nombre de chantiers concernés.',
            en: 'Write the clauses into the contracting authorities’ contracts (operations funded by ANRU); record the number of works sites.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(180),
          indicator: { key: 'clause-works-sites', atLeast: 1 },
        },
        {
          key: 'clause-support',
          name: { fr: 'Accompagnement des entreprises dans la réalisation des clauses', en: 'Supporting the companies in fulfilling the clauses' },
          description: {
            fr: 'Avec les entreprises du chantier : offres d’emploi du BTP et de l’administratif proposées aux demandeurs d’emploi de la Fontaine d’Ouche.',
            en: 'With the site’s companies: building and office job offers put to the Fontaine d’Ouche job seekers.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['social-clauses'],
          due: afterStep('social-clauses', 365),
        },
      ],
    },
    {
      key: 'review',
      name: { fr: 'Bilan', en: 'Review' },
      steps: [
        {
          key: 'strand-review',
          name: { fr: 'Bilan du volet emploi-formation avec Dijon Métropole', en: 'Review of the jobs and training strand with Dijon Métropole' },
          description: {
            fr: 'Actions menées, publics touchés, stages, embauches et chantiers à clauses ; enseignements pour la suite.',
            en: 'Actions carried out, people reached, placements, hires and sites with clauses; lessons for what comes next.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(60),
          deliverables: [{ kind: 'strand-review', label: { fr: 'Bilan du volet emploi-formation', en: 'Jobs and training strand review' } }],
          milestone: true,
        },
      ],
    },
  ],
};
