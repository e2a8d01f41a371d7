/**
 * DEFI — Destination Formation Innovante (24 months, 2021-2022; Region PRIC axis 3 and ESF).
 * New teaching solutions for customer-relation jobs, co-built with training organisations
 * (OF) in three phases of growing size (Test: 1 OF, Expérimentation: up to 5, Déploiement:
 * up to 10), each opening with a training time for the structures' professionals; a final
 * phase of evaluation and assistance. Contractors: Manzalab (digital tools, slot
 * `digital-contractor`), LAAB (forum theatre, slot `theatre-contractor`), the continuous
 * evaluator chosen by tender (slot `evaluator`). Three framing tenders run as sub-programmes.
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart, afterProgrammeStart, afterStep } from './due';

const bricks = (version: { fr: string; en: string }) => [
  { kind: 'brick-1', label: { fr: `Brique 1 — situations relationnelles (${version.fr})`, en: `Brick 1 — relational situations (${version.en})` } },
  { kind: 'brick-2', label: { fr: `Brique 2 — techniques commerciales : accueillir, orienter, conseiller, vendre (${version.fr})`, en: `Brick 2 — sales techniques: welcome, guide, advise, sell (${version.en})` } },
  { kind: 'brick-3', label: { fr: `Brique 3 — patrimoine local et gastronomie régionale (${version.fr})`, en: `Brick 3 — local heritage and regional gastronomy (${version.en})` } },
];

export const defiTemplate: TemplateInput = {
  key: 'defi',
  // Version 2: due dates on a weekend or a French public holiday move to the next working day.
  version: 2,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'DEFI — Destination Formation Innovante', en: 'DEFI — Innovative Training Destination' },
  description: {
    fr: "Concevoir et expérimenter avec les organismes de formation régionaux de nouvelles solutions pédagogiques pour les métiers de la relation client (outils digitaux, théâtre forum), en 24 mois : lancement, phases Test, Expérimentation et Déploiement, puis évaluation et essaimage.",
    en: 'Design and trial, with regional training organisations, new teaching solutions for customer-relation jobs (digital tools, forum theatre) over 24 months: launch, Test, Experimentation and Deployment phases, then evaluation and dissemination.',
  },
  children: [
    {
      key: 'tender-intellectual-property',
      templateKey: 'tender',
      title: { fr: 'Consultation propriété intellectuelle', en: 'Intellectual property tender' },
      start: 'withParent',
    },
    {
      key: 'tender-communication',
      templateKey: 'tender',
      title: { fr: 'Consultation communication et identité visuelle', en: 'Communication and visual identity tender' },
      start: 'withParent',
    },
    {
      key: 'tender-evaluation',
      templateKey: 'tender',
      title: { fr: 'Consultation évaluation continue', en: 'Continuous evaluation tender' },
      start: 'withParent',
      fillsSlot: 'evaluator',
    },
  ],
  labels: {
    roles: {
      'digital-contractor': { fr: 'Prestataire des outils numériques', en: 'Digital tools contractor' },
      'theatre-contractor': { fr: 'Compagnie de théâtre-forum', en: 'Forum theatre company' },
      evaluator: { fr: 'Évaluateur', en: 'Evaluator' },
    },
  },
  indicators: [
    { key: 'partners-contacted', name: { fr: 'Réseaux et organismes de formation contactés', en: 'Networks and training organisations contacted' }, target: 40 },
    { key: 'partners-met', name: { fr: 'Réseaux et organismes de formation rencontrés', en: 'Networks and training organisations met' }, target: 14 },
  ],
  phases: [
    {
      key: 'launch',
      name: { fr: 'Lancement et cadrage', en: 'Launch and framing' },
      steps: [
        {
          key: 'partner-mobilisation',
          name: { fr: 'Mobilisation des partenaires', en: 'Partner mobilisation' },
          description: {
            fr: 'Présenter le projet aux réseaux, organismes et établissements de formation (mixité des structures, couverture du territoire), aux OPCO (AKTO, OPCO EP, OPCOmmerce) et à l’UMIH ; compter les structures contactées et rencontrées.',
            en: 'Present the project to training networks, organisations and schools (a mix of structures covering the whole territory), to the skills operators (AKTO, OPCO EP, OPCOmmerce) and to UMIH; count the structures contacted and met.',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(180),
        },
        {
          key: 'partner-allocation',
          name: { fr: 'Répartition des organismes de formation par phase', en: 'Allocation of training organisations to phases' },
          description: {
            fr: 'Inscrire les organismes volontaires : 1 en phase Test, jusqu’à 5 en Expérimentation, jusqu’à 10 en Déploiement.',
            en: 'Enrol the volunteer organisations: 1 in the Test phase, up to 5 in Experimentation, up to 10 in Deployment.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['partner-mobilisation'],
          due: afterStep('partner-mobilisation', 30),
          milestone: true,
        },
        {
          key: 'framing-intellectual-property',
          name: { fr: 'Cadrage de la propriété intellectuelle', en: 'Intellectual property framing' },
          description: {
            fr: 'Avec le prestataire retenu (sous-programme « Consultation propriété intellectuelle ») : identifier les droits d’auteur protégeables sur les briques et poser un cadre contractuel d’exploitation.',
            en: 'With the contractor chosen in the intellectual property tender: identify the copyrights that can be protected on the bricks and set a contractual framework for using them.',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(210),
          deliverables: [{ kind: 'ip-framework', label: { fr: 'Cadre contractuel de propriété intellectuelle', en: 'Intellectual property framework' } }],
        },
        {
          key: 'framing-communication',
          name: { fr: 'Identité visuelle du projet', en: 'Project visual identity' },
          description: {
            fr: 'Avec l’agence retenue (sous-programme « Consultation communication ») : logo, charte graphique et déclinaison sur les supports.',
            en: 'With the agency chosen in the communication tender: logo, graphic charter and its use on every medium.',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(210),
          deliverables: [{ kind: 'visual-identity', label: { fr: 'Charte graphique et logo', en: 'Graphic charter and logo' } }],
        },
        {
          key: 'framing-evaluation',
          name: { fr: 'Cadrage de l’évaluation continue', en: 'Continuous evaluation framing' },
          description: {
            fr: 'Définir ce que l’évaluation doit mesurer (pratiques des formateurs, apprentissages et employabilité des stagiaires, impact sur l’écosystème) pour le cahier des charges de la consultation évaluation.',
            en: 'Define what the evaluation must measure (trainers’ practice, learners’ learning and employability, impact on the ecosystem) for the evaluation tender’s specification.',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(240),
        },
      ],
    },
    {
      key: 'test',
      name: { fr: 'Phase Test', en: 'Test phase' },
      gate: {},
      capacity: { min: 1, max: 1 },
      steps: [
        {
          key: 'trainers-training-test',
          name: { fr: 'Temps de formation aux professionnels (Test)', en: 'Training of the partner’s trainers (Test)' },
          description: {
            fr: 'Former les formateurs de l’organisme aux briques et aux outils, avec Manzalab et LAAB, avant qu’ils ne les mettent en œuvre.',
            en: 'Train the organisation’s trainers in the bricks and tools, with Manzalab and LAAB, before they use them.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(30),
        },
        {
          key: 'bricks-co-construction-test',
          name: { fr: 'Co-construction des briques (Test)', en: 'Co-construction of the bricks (Test)' },
          description: {
            fr: 'Construire avec l’organisme, Manzalab et LAAB une première version des trois briques : scénarios et intentions pédagogiques des serious games, structure de l’application de rapid-learning, théâtre forum.',
            en: 'Build with the organisation, Manzalab and LAAB a first version of the three bricks: serious-game scenarios and teaching intentions, structure of the rapid-learning app, forum theatre.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(90),
          deliverables: bricks({ fr: 'version test', en: 'test version' }),
        },
        {
          key: 'bricks-run-test',
          name: { fr: 'Mise en œuvre des briques en formation (Test)', en: 'Bricks run in training (Test)' },
          assignee: { kind: 'eachPartner' },
          dependsOn: ['trainers-training-test', 'bricks-co-construction-test'],
          due: afterPhaseStart(150),
        },
        {
          key: 'test-review',
          name: { fr: 'Bilan de la phase Test', en: 'Test phase review' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['bricks-run-test'],
          due: afterStep('bricks-run-test', 15),
          milestone: true,
        },
      ],
    },
    {
      key: 'experimentation',
      name: { fr: 'Phase Expérimentation', en: 'Experimentation phase' },
      gate: {},
      capacity: { min: 1, max: 5 },
      steps: [
        {
          key: 'trainers-training-experimentation',
          name: { fr: 'Temps de formation aux professionnels (Expérimentation)', en: 'Training of the partners’ trainers (Experimentation)' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(30),
        },
        {
          key: 'bricks-co-construction-experimentation',
          name: { fr: 'Co-construction des briques (Expérimentation)', en: 'Co-construction of the bricks (Experimentation)' },
          description: {
            fr: 'Enrichir les trois briques avec les organismes de la phase, à partir du bilan de la phase Test.',
            en: 'Improve the three bricks with this phase’s organisations, from the Test phase review.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(90),
          deliverables: bricks({ fr: 'version expérimentation', en: 'experimentation version' }),
        },
        {
          key: 'digital-tools-delivery',
          name: { fr: 'Livraison des outils digitaux', en: 'Digital tools delivered' },
          description: {
            fr: 'Premières versions livrées au premier trimestre 2022 : application de rapid-learning (quiz, jeux, évaluations, vidéos, articles), deux serious games comportementaux, hub en réalité virtuelle sur le patrimoine du territoire.',
            en: 'First versions delivered in Q1 2022: rapid-learning app (quizzes, games, assessments, videos, articles), two behavioural serious games, a virtual-reality hub on the local heritage.',
          },
          assignee: { kind: 'slot', slot: 'digital-contractor' },
          // Q1 2022 for a programme started at the beginning of 2021.
          due: afterProgrammeStart(455),
          deliverables: [
            { kind: 'rapid-learning-app', label: { fr: 'Application de rapid-learning', en: 'Rapid-learning app' }, acceptance: true },
            { kind: 'serious-game', label: { fr: 'Serious game', en: 'Serious game' }, min: 2, acceptance: true },
            { kind: 'vr-hub', label: { fr: 'Hub en réalité virtuelle', en: 'Virtual-reality hub' }, acceptance: true },
          ],
          milestone: true,
        },
        {
          key: 'bricks-run-experimentation',
          name: { fr: 'Mise en œuvre des briques en formation (Expérimentation)', en: 'Bricks run in training (Experimentation)' },
          assignee: { kind: 'eachPartner' },
          dependsOn: ['trainers-training-experimentation', 'bricks-co-construction-experimentation', 'digital-tools-delivery'],
          due: afterPhaseStart(180),
        },
        {
          key: 'experimentation-review',
          name: { fr: 'Bilan de la phase Expérimentation', en: 'Experimentation phase review' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['bricks-run-experimentation'],
          due: afterStep('bricks-run-experimentation', 15),
          milestone: true,
        },
      ],
    },
    {
      key: 'deployment',
      name: { fr: 'Phase Déploiement', en: 'Deployment phase' },
      gate: {},
      capacity: { min: 1, max: 10 },
      steps: [
        {
          key: 'trainers-training-deployment',
          name: { fr: 'Temps de formation aux professionnels (Déploiement)', en: 'Training of the partners’ trainers (Deployment)' },
          description: {
            fr: 'Former de nouveaux formateurs, y compris pour d’autres publics (lycéens, apprentis).',
            en: 'Train new trainers, including for other audiences (secondary-school pupils, apprentices).',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(30),
        },
        {
          key: 'bricks-co-construction-deployment',
          name: { fr: 'Finalisation des briques (Déploiement)', en: 'Bricks finalised (Deployment)' },
          description: {
            fr: 'La co-construction des briques se poursuit jusqu’en juillet 2022 avec les retours des organismes de la phase.',
            en: 'The co-construction of the bricks goes on until July 2022 with the feedback of this phase’s organisations.',
          },
          assignee: { kind: 'coordinator' },
          // July 2022 for a programme started at the beginning of 2021.
          due: afterProgrammeStart(576),
          deliverables: bricks({ fr: 'version finale', en: 'final version' }),
        },
        {
          key: 'bricks-run-deployment',
          name: { fr: 'Mise en œuvre des briques en formation (Déploiement)', en: 'Bricks run in training (Deployment)' },
          assignee: { kind: 'eachPartner' },
          dependsOn: ['trainers-training-deployment'],
          due: afterPhaseStart(120),
        },
        {
          key: 'deployment-review',
          name: { fr: 'Bilan de la phase Déploiement', en: 'Deployment phase review' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['bricks-run-deployment', 'bricks-co-construction-deployment'],
          due: afterProgrammeStart(590),
          milestone: true,
        },
      ],
    },
    {
      key: 'evaluation',
      name: { fr: 'Évaluation et essaimage', en: 'Evaluation and dissemination' },
      gate: { requiresChildren: [{ child: 'tender-evaluation', milestone: 'awarded' }] },
      steps: [
        {
          key: 'evaluation-interim-reports',
          name: { fr: 'Restitutions régulières de l’évaluation', en: 'Regular evaluation reports' },
          description: {
            fr: 'L’évaluateur restitue régulièrement ses résultats (pratiques des formateurs, apprentissages, employabilité) pour adapter le projet.',
            en: 'The evaluator reports its findings regularly (trainers’ practice, learning, employability) so the project can adapt.',
          },
          assignee: { kind: 'slot', slot: 'evaluator' },
          due: afterPhaseStart(90),
          deliverables: [{ kind: 'interim-evaluation-report', label: { fr: 'Rapport d’évaluation intermédiaire', en: 'Interim evaluation report' }, acceptance: true }],
        },
        {
          key: 'evaluation-final-report',
          name: { fr: 'Bilan final de l’évaluation', en: 'Final evaluation report' },
          assignee: { kind: 'slot', slot: 'evaluator' },
          dependsOn: ['evaluation-interim-reports'],
          // End of the project: December 2022, 24 months after the start.
          due: afterProgrammeStart(730),
          deliverables: [{ kind: 'final-evaluation-report', label: { fr: 'Rapport final d’évaluation', en: 'Final evaluation report' }, acceptance: true }],
          milestone: true,
        },
        {
          key: 'implementation-assistance-digital',
          name: { fr: 'Assistance à la mise en œuvre des outils digitaux', en: 'Implementation support for the digital tools' },
          description: {
            fr: 'Manzalab assiste les formateurs formés pour déployer les outils dans leurs parcours.',
            en: 'Manzalab supports the trained trainers in using the tools in their courses.',
          },
          assignee: { kind: 'slot', slot: 'digital-contractor' },
          due: afterProgrammeStart(700),
        },
        {
          key: 'implementation-assistance-theatre',
          name: { fr: 'Assistance à la mise en œuvre du théâtre forum', en: 'Implementation support for forum theatre' },
          description: {
            fr: 'LAAB assiste les formateurs formés pour animer le théâtre forum dans leurs parcours.',
            en: 'LAAB supports the trained trainers in running forum theatre in their courses.',
          },
          assignee: { kind: 'slot', slot: 'theatre-contractor' },
          due: afterProgrammeStart(700),
        },
        {
          key: 'pedagogical-guide',
          name: { fr: 'Finalisation du guide pédagogique', en: 'Final pedagogical guide' },
          description: {
            fr: 'Guide nourri des retours d’expérience des organismes : mode d’emploi de la boîte à outils et méthode adaptable.',
            en: 'A guide fed by the organisations’ experience: how to use the toolbox and an adaptable method.',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(700),
          deliverables: [{ kind: 'pedagogical-guide', label: { fr: 'Guide pédagogique', en: 'Pedagogical guide' } }],
        },
        {
          key: 'dissemination-kit',
          name: { fr: 'Kit d’essaimage', en: 'Dissemination kit' },
          description: {
            fr: 'Kit fonctionnel pour les autres organismes et établissements de formation initiale et continue de la région.',
            en: 'A working kit for the region’s other initial and continuing training bodies.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['pedagogical-guide'],
          due: afterProgrammeStart(715),
          deliverables: [{ kind: 'dissemination-kit', label: { fr: 'Kit d’essaimage', en: 'Dissemination kit' } }],
        },
        {
          key: 'tools-handover',
          name: { fr: 'Mise à disposition gracieuse des productions', en: 'Tools handed over free of charge' },
          description: {
            fr: 'Outils digitaux et ingénierie pédagogique des briques mis gratuitement à la disposition des acteurs régionaux de la formation.',
            en: 'Digital tools and the bricks’ teaching design made available free of charge to the region’s training bodies.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['dissemination-kit', 'evaluation-final-report'],
          due: afterProgrammeStart(730),
          milestone: true,
        },
      ],
    },
  ],
};
