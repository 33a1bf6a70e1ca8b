// The admin area's sections, in sidebar order. Their routes are in routes/table.ts; this list is the
// sidebar's (labels and paths), shared so the two cannot drift apart (table.test.ts checks it).
export const ADMIN_SECTIONS = [
  { path: '/admin', label: 'Overview' },
  { path: '/admin/users', label: 'Users' },
  { path: '/admin/executions', label: 'Executions & queue' },
  { path: '/admin/sagas', label: 'Sagas' },
  { path: '/admin/events', label: 'Events' },
  { path: '/admin/projections', label: 'Projections' },
  { path: '/admin/dead-letters', label: 'Dead letters' },
  { path: '/admin/replay', label: 'Replay' },
  { path: '/admin/settings', label: 'Settings' },
] as const;
