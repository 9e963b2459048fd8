import type { BackendMessages } from '../messages';

export const fr: BackendMessages = {
  titlePrefix: 'Utilisation des LLM : {{title}}',
  titles: {
    key_expiring: 'Clé API bientôt expirée',
    low_balance: 'Solde bas',
    high_usage: 'Utilisation élevée',
    key_error: 'Clé ou compte en erreur',
    budget_runway: 'Budget bientôt épuisé',
    rollup_failed: 'Échec de l’agrégation',
  },
  targets: {
    key: 'Clé',
    account: 'Compte',
    project: 'Projet',
    budget: 'Budget',
    system: 'Utilisation des LLM',
  },
  namedTarget: '{{target}} « {{name}} »',
  units: {
    days: {
      one: '{{count}} jour',
      many: '{{count}} de jours',
      other: '{{count}} jours',
    },
    hours: {
      one: '{{count}} heure',
      many: '{{count}} d’heures',
      other: '{{count}} heures',
    },
    calls: {
      one: '{{count}} appel',
      many: '{{count}} d’appels',
      other: '{{count}} appels',
    },
  },
  alerts: {
    keyExpired: '{{name}} a expiré',
    keyExpiring: '{{name}} expire dans {{days}} ({{date}})',
    lowBalance: '{{name}} a un solde de {{available}}, sous {{threshold}}',
    budgetPercent:
      '{{name}} en est à {{value}} de son montant pour {{month}} (alerte à {{threshold}})',
    tokensOver:
      '{{name}} a utilisé {{value}} jetons en {{month}}, au-delà de {{threshold}}',
    spendOver:
      '{{name}} a dépensé {{value}} en {{month}}, au-delà de {{threshold}}',
    syncFailed: 'La synchronisation de {{name}} a échoué',
    disabled: '{{name}} est désactivé chez le fournisseur',
    keyError: '{{name}} est en erreur chez le fournisseur',
    errorDetail: ' : {{error}}',
    budgetRunway:
      '{{name}} tiendra environ {{days}} au rythme récent ({{remaining}} restants ; alerte sous {{threshold}})',
    rollupFailed:
      'L’agrégation horaire ne parvient pas à agréger {{hours}} d’appels, la plus ancienne {{firstHour}} ; ces heures sont lues depuis les appels bruts et retentées à chaque exécution',
    other: '{{name}} : {{type}}',
  },
  webhook: {
    resolved: 'Résolu',
    severities: { info: 'INFO', warning: 'AVERTISSEMENT', error: 'ERREUR' },
    open: 'Ouvrir dans Backstage',
  },
  digest: {
    weeklyTitle: 'Dépenses LLM hebdomadaires de {{owner}} : {{spend}}',
    monthlyTitle: 'Dépenses LLM mensuelles de {{owner}} : {{spend}}',
    summary: 'Du {{from}} au {{to}} : {{calls}}, {{spend}}.',
    spendChange: '{{amount}} ({{change}})',
    spend: 'dépenses {{amounts}}',
    noSpend: 'aucune dépense',
    noCost: 'aucun coût',
    changeVsWeek: '{{change}} par rapport à la semaine précédente',
    changeVsMonth: '{{change}} par rapport au mois précédent',
    nothingWeekBefore: 'rien la semaine précédente',
    nothingMonthBefore: 'rien le mois précédent',
    topProjects: 'Projets les plus coûteux : {{list}}.',
    topModels: 'Modèles les plus coûteux : {{list}}.',
    expiringKeys: 'Clés bientôt expirées : {{list}}.',
    expiringKey: '{{name}} ({{provider}}) le {{date}}',
    separator: ' ; ',
  },
};
