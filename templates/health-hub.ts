/**
 * The health-industries jobs and skills hub (Hub emplois et compétences des industries de santé,
 * seed lines 929–1142), a territorial initiative of its founding members (Dijon Métropole, the
 * BFCare cluster, Creativ', the health sciences faculty of the Université de Bourgogne, France
 * Chimie BFC, UIMM, OPCO2I). Its setting up: the steering tools (shared workspace, action plan,
 * schedule, objectives tree, follow-up indicators), the launch on 26 January 2021 before about
 * thirty local actors, the partnership agreement signed by the operational members, the visual
 * identity made official in April. Then, for the hub's life, its governance (the founding members
 * agreed on two steering committees a year, each preceded by a newsletter, and four technical
 * committees a year: the governance-cadence built-in holds the same committees alone) alongside
 * its action plan: the skills survey in 16 companies (May–July 2021), the awareness kit whose
 * mobile escape game and website were chosen by two tenders (sub-programmes; Arcanium and Nel
 * Graphisme were awarded, their winners fill the contractors' roles), the promotion of the sector,
 * and the task force's experiment with Randstad on the recruiting process of maintenance
 * technicians in 5 pilot companies, with a restitution deliverable and a webinar on 14 December.
 * The committees repeat for the programme's life, so they live in the last phase with the action
 * plan, and the coordinator closes the programme when the hub ends.
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart, afterProgrammeStart, afterStep } from './due';

/** The first committees fall two months after the start (the seed's first COPIL in March 2021). */
const FIRST_AFTER_MONTHS = 2;

export const healthHubTemplate: TemplateInput = {
  key: 'health-hub',
  version: 1,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'Hub emplois et compétences des industries de santé', en: 'Health-industries jobs and skills hub' },
  description: {
    fr: 'Une initiative territoriale des membres fondateurs : convention partenariale et lancement, puis, pour toute la durée du Hub, deux comités de pilotage et quatre comités techniques par an, l’enquête sur les besoins en compétences auprès de 16 entreprises, le kit de sensibilisation (escape game et site internet confiés par consultation) et l’expérimentation sur le recrutement avec 5 entreprises pilotes.',
    en: 'A territorial initiative of the founding members: partnership agreement and launch, then, for the hub’s life, two steering committees and four technical committees a year, the skills survey in 16 companies, the awareness kit (an escape game and a website awarded by tender) and the recruiting experiment with 5 pilot companies.',
  },
  children: [
    {
      key: 'tender-escape-game',
      templateKey: 'tender',
      title: { fr: 'Consultation escape game mobile', en: 'Mobile escape game tender' },
      start: 'withParent',
      fillsSlot: 'escape-game-contractor',
    },
    {
      key: 'tender-website',
      templateKey: 'tender',
      title: { fr: 'Consultation site internet du Hub', en: 'Hub website tender' },
      start: 'withParent',
      fillsSlot: 'website-contractor',
    },
  ],
  labels: {
    roles: {
      'escape-game-contractor': { fr: 'Prestataire de l’escape game', en: 'Escape game contractor' },
      'website-contractor': { fr: 'Prestataire du site internet', en: 'Website contractor' },
    },
    milestones: {},
    dateParams: {},
  },
  indicators: [
    { key: 'launch-participants', name: { fr: 'Acteurs du territoire présents au lancement', en: 'Local actors at the launch' }, target: 30 },
    { key: 'companies-surveyed', name: { fr: 'Entreprises enquêtées sur leurs besoins en compétences', en: 'Companies surveyed on their skills needs' }, target: 16 },
    { key: 'pilot-companies', name: { fr: 'Entreprises pilotes de l’expérimentation sur le recrutement', en: 'Pilot companies in the recruiting experiment' }, target: 5 },
  ],
  phases: [
    {
      key: 'founding',
      name: { fr: 'Constitution du Hub', en: 'Setting up the hub' },
      steps: [
        {
          key: 'steering-tools',
          name: { fr: 'Outils de pilotage du projet', en: 'The project’s steering tools' },
          description: {
            fr: 'Espace collaboratif partagé, plan d’action en 4 axes, rétroplanning, arbre des objectifs, indicateurs de suivi.',
            en: 'A shared workspace, the 4-axis action plan, a backward schedule, an objectives tree, follow-up indicators.',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(21),
        },
        {
          key: 'launch-event',
          name: { fr: 'Lancement de l’initiative territoriale', en: 'Launching the territorial initiative' },
          description: { fr: 'Enregistrer le nombre d’acteurs du territoire présents.', en: 'Record how many local actors attended.' },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(28),
          indicator: { key: 'launch-participants', atLeast: 1 },
        },
        {
          key: 'partnership-agreement',
          name: { fr: 'Convention partenariale des membres opérationnels', en: 'Partnership agreement of the operational members' },
          description: {
            fr: 'Formaliser le partenariat et le périmètre d’intervention de chaque partenaire (Creativ’, pôle BFCare).',
            en: 'Formalise the partnership and each partner’s scope (Creativ’, BFCare cluster).',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['steering-tools'],
          due: afterProgrammeStart(45),
          deliverables: [{ kind: 'partnership-agreement', label: { fr: 'Convention partenariale signée', en: 'Signed partnership agreement' } }],
          milestone: true,
        },
      ],
    },
    {
      key: 'action-plan',
      name: { fr: 'Instances et plan d’action du Hub', en: 'The hub’s governance and action plan' },
      steps: [
        {
          key: 'steering-committee',
          name: { fr: 'Comité de pilotage', en: 'Steering committee' },
          description: {
            fr: 'Membres fondateurs du Hub, précédé de la diffusion d’une newsletter : feuille de route de la filière, décisions.',
            en: 'The hub’s founding members, preceded by a newsletter: the sector’s roadmap, decisions.',
          },
          assignee: { kind: 'coordinator' },
          repeat: { every: 6, unit: 'months', dayOfMonth: 15, startAfter: FIRST_AFTER_MONTHS },
          deliverables: [{ kind: 'steering-minutes', label: { fr: 'Compte rendu du comité de pilotage', en: 'Steering committee minutes' } }],
          milestone: true,
        },
        {
          key: 'technical-committee',
          name: { fr: 'Comité technique', en: 'Technical committee' },
          description: {
            fr: 'Membres opérationnels et financeurs : avancée du plan d’action, validations intermédiaires.',
            en: 'Operational members and funders: action plan progress, interim approvals.',
          },
          assignee: { kind: 'coordinator' },
          repeat: { every: 3, unit: 'months', dayOfMonth: 2, startAfter: FIRST_AFTER_MONTHS },
        },
        {
          key: 'visual-identity',
          name: { fr: 'Identité visuelle du Hub', en: 'The hub’s visual identity' },
          description: {
            fr: 'Logo, charte graphique, kakémono, flyer et affiche, validés par les membres fondateurs ; compte LinkedIn du Hub.',
            en: 'Logo, graphic charter, roll-up banner, flyer and poster, approved by the founding members; the hub’s LinkedIn account.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(60),
          deliverables: [{ kind: 'visual-identity', label: { fr: 'Charte graphique et logo', en: 'Graphic charter and logo' } }],
        },
        {
          key: 'survey-framework',
          name: { fr: 'Trame exploratoire et fichier des entreprises par univers métiers', en: 'Interview guide and company file by trade universe' },
          description: {
            fr: 'Univers chimie, pharma et cosmétique, et services et innovation en sciences de la vie ; prise de rendez-vous auprès des services RH, avec le pôle BFCare.',
            en: 'Chemistry, pharma and cosmetics, and life-science services and innovation; appointments made with the HR departments, with the BFCare cluster.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(60),
        },
        {
          key: 'skills-survey',
          name: { fr: 'Enquête sur les besoins en compétences des industries de santé', en: 'Survey of the health industries’ skills needs' },
          description: { fr: 'Investigations dans 16 entreprises du territoire ; enregistrer le nombre d’entreprises enquêtées.', en: 'Interviews in 16 local companies; record the number of companies surveyed.' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['survey-framework'],
          due: afterStep('survey-framework', 90),
          indicator: { key: 'companies-surveyed', atLeast: 16 },
          deliverables: [{ kind: 'survey-report', label: { fr: 'Synthèse de l’enquête', en: 'Survey report' } }],
          milestone: true,
        },
        {
          key: 'escape-game-delivery',
          name: { fr: 'Boîtes d’escape game mobiles livrées', en: 'Mobile escape game boxes delivered' },
          description: {
            fr: '9 boîtes d’escape game, 3 scénarios (un par univers métiers) et une demi-journée de formation à l’animation, par le prestataire retenu à la consultation escape game.',
            en: '9 escape game boxes, 3 scenarios (one per trade universe) and half a day of facilitator training, by the provider chosen in the escape game tender.',
          },
          assignee: { kind: 'slot', slot: 'escape-game-contractor' },
          due: afterPhaseStart(400),
          deliverables: [{ kind: 'escape-game-boxes', label: { fr: 'Boîtes d’escape game', en: 'Escape game boxes' }, acceptance: true }],
          milestone: true,
        },
        {
          key: 'website-online',
          name: { fr: 'Site internet des métiers des industries de santé en ligne', en: 'Health-industries trades website online' },
          description: {
            fr: 'Architecture présentée au comité technique, puis mise en ligne par le prestataire retenu à la consultation site internet.',
            en: 'The architecture presented to the technical committee, then put online by the provider chosen in the website tender.',
          },
          assignee: { kind: 'slot', slot: 'website-contractor' },
          due: afterPhaseStart(400),
          deliverables: [{ kind: 'website', label: { fr: 'Site internet', en: 'Website' }, acceptance: true }],
        },
        {
          key: 'recruitment-study',
          name: { fr: 'Étude des recrutements de techniciens de maintenance avec Randstad', en: 'Study of maintenance technician recruiting with Randstad' },
          description: {
            fr: 'Résultats de l’étude Smart Data présentés en conférence de presse : les blocages sont à chercher du côté des process de recrutement ou de la qualification du vivier.',
            en: 'The Smart Data study’s results presented at a press conference: the obstacles lie in the recruiting processes or in the candidates’ qualifications.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(90),
        },
        {
          key: 'recruitment-experiment',
          name: { fr: 'Expérimentation sur le process de recrutement dans 5 entreprises pilotes', en: 'Recruiting-process experiment in 5 pilot companies' },
          description: { fr: 'Analyse des besoins, contenu des offres, sourcing, procédures de recrutement ; enregistrer le nombre d’entreprises pilotes.', en: 'Needs analysis, job ads, sourcing, recruiting procedures; record the number of pilot companies.' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['recruitment-study'],
          due: afterStep('recruitment-study', 180),
          indicator: { key: 'pilot-companies', atLeast: 5 },
        },
        {
          key: 'experiment-restitution',
          name: { fr: 'Restitution de l’expérimentation en webinaire', en: 'The experiment’s findings presented in a webinar' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['recruitment-experiment'],
          due: afterStep('recruitment-experiment', 90),
          deliverables: [{ kind: 'restitution-report', label: { fr: 'Livrable de restitution', en: 'Findings report' } }],
          milestone: true,
        },
      ],
    },
  ],
};
