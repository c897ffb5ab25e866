/** A setting that cannot be used; the message names it, the value seen and the expected form. */
export class SettingError extends Error {
  constructor(setting: string, value: string, expected: string) {
    super(`${setting}: expected ${expected}, got ${JSON.stringify(value)}`);
    this.name = 'SettingError';
  }
}

/** Several settings that cannot be used, one line each. */
export class SettingsError extends Error {
  /** One line per problem. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'SettingsError';
    this.problems = problems;
  }
}
