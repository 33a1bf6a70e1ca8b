import { describe, expect, it } from 'vitest';
import { settingsFixture } from './fixtures';
import { settingsChanges } from './settingsRules';

describe('settingsChanges', () => {
  it('lists only the settings that differ, by the form’s labels', () => {
    const changes = settingsChanges({
      previous: settingsFixture,
      settings: { ...settingsFixture, max_concurrent_executions: 3, log_level: 'DEBUG' },
    });
    expect(changes).toEqual([
      { key: 'max_concurrent_executions', label: 'Runs at once', from: 10, to: 3 },
      { key: 'log_level', label: 'Log level', from: 'INFO', to: 'DEBUG' },
    ]);
  });

  it('lists every setting, without a before, when the event has no previous settings', () => {
    const changes = settingsChanges({ previous: null, settings: settingsFixture });
    expect(changes).toHaveLength(Object.keys(settingsFixture).length);
    expect(changes.every((c) => c.from === undefined)).toBe(true);
  });
});
