/** The option definitions shared by commands, apart from what the actions load (see cli/main.ts). */
export const collect = (v: string, acc: string[]) => [...acc, v];

export const paramOption = ['--param <name=value>', 'set a scenario param, over the stand file and the default (repeatable)'] as const;
