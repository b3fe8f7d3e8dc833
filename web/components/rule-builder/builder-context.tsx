import { createContext, use } from 'react';
import type { Option } from '../../lib/options/keys.ts';
import type { RowErrors } from './rule-tree.ts';

/** What every row of the builder reads: the pickers' options and the problems found on each row. */
export type Builder = {
  communities: Option[];
  actions: Option[];
  broadcasts: Option[];
  /** Tags in use, suggested while typing. */
  tags: string[];
  errors: RowErrors;
};

export const BuilderContext = createContext<Builder>({ communities: [], actions: [], broadcasts: [], tags: [], errors: new Map() });

export function useBuilder(): Builder {
  return use(BuilderContext);
}

/** The problems of one row, by field ('' for the row as a whole). */
export function useRowErrors(nodeId: string): Record<string, string> {
  return use(BuilderContext).errors.get(nodeId) ?? {};
}
