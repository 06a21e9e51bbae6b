/**
 * Checks that a GraphQL operation only asks for what an official operation asks for: same name
 * and type, every variable declared there with the same type, and every field (with its alias),
 * argument and input-object key present at the same place in the official selection, fragments
 * expanded. Returns the list of differences (empty = subset).
 */
import {
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

export interface OfficialPool {
  readonly operations: readonly { readonly op: OperationDefinitionNode; readonly source: string }[];
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

export function buildPool(docs: readonly { text: string; source: string }[]): OfficialPool {
  const operations: { op: OperationDefinitionNode; source: string }[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const { text, source } of docs) {
    const doc: DocumentNode = parse(text);
    for (const def of doc.definitions) {
      if (def.kind === Kind.OPERATION_DEFINITION) operations.push({ op: def, source });
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
  }
  return { operations, fragments };
}

interface FlatField {
  readonly name: string;
  readonly args: readonly ArgumentNode[];
  readonly selection: Map<string, FlatField>;
}

/** Flatten a selection set: fragment spreads inlined, inline fragments keyed "... on Type". */
function flatten(
  set: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  out = new Map<string, FlatField>(),
): Map<string, FlatField> {
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias ? `${sel.alias.value}: ${sel.name.value}` : sel.name.value;
      const prev = out.get(key);
      const selection = prev?.selection ?? new Map<string, FlatField>();
      flatten(sel.selectionSet, fragments, selection);
      out.set(key, {
        name: sel.name.value,
        args: [...(prev?.args ?? []), ...(sel.arguments ?? [])],
        selection,
      });
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = fragments.get(sel.name.value);
      if (!frag) throw new Error(`official fragment ${sel.name.value} not found`);
      flatten(frag.selectionSet, fragments, out);
    } else {
      const key = `... on ${sel.typeCondition?.name.value ?? "?"}`;
      const prev = out.get(key);
      const selection = prev?.selection ?? new Map<string, FlatField>();
      flatten(sel.selectionSet, fragments, selection);
      out.set(key, { name: key, args: [], selection });
    }
  }
  return out;
}

function valueSubset(mine: ValueNode, official: ValueNode, path: string, problems: string[]): void {
  if (mine.kind === Kind.OBJECT && official.kind === Kind.OBJECT) {
    for (const f of mine.fields) {
      const o = official.fields.find((x) => x.name.value === f.name.value);
      if (!o) problems.push(`${path}.${f.name.value}: input field not used officially`);
      else valueSubset(f.value, o.value, `${path}.${f.name.value}`, problems);
    }
    return;
  }
  if (print(mine) !== print(official)) {
    problems.push(`${path}: value ${print(mine)} where the official operation has ${print(official)}`);
  }
}

function selectionSubset(
  mine: Map<string, FlatField>,
  official: Map<string, FlatField>,
  path: string,
  problems: string[],
): void {
  for (const [key, field] of mine) {
    const o = official.get(key);
    const here = path ? `${path}.${key}` : key;
    if (!o) {
      problems.push(`${here}: field not selected by the official operation`);
      continue;
    }
    for (const arg of field.args) {
      const oa = o.args.find((a) => a.name.value === arg.name.value);
      if (!oa) problems.push(`${here}(${arg.name.value}:): argument not used officially`);
      else valueSubset(arg.value, oa.value, `${here}(${arg.name.value})`, problems);
    }
    selectionSubset(field.selection, o.selection, here, problems);
  }
}

export interface SubsetVerdict {
  readonly name: string;
  readonly matchedSource?: string;
  /** Differences against the closest official operation of the same name (empty when matched). */
  readonly problems: readonly string[];
}

export function checkAgainstOfficial(document: string, pool: OfficialPool): SubsetVerdict {
  const doc = parse(document);
  const ops = doc.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (ops.length !== 1 || !ops[0]!.name)
    return { name: "?", problems: ["expected exactly one named operation"] };
  const op = ops[0]!;
  const name = op.name!.value;
  const candidates = pool.operations.filter((c) => c.op.name?.value === name);
  if (candidates.length === 0) return { name, problems: [`no official operation named ${name}`] };
  let best: string[] | undefined;
  for (const { op: official, source } of candidates) {
    const problems: string[] = [];
    if (official.operation !== op.operation)
      problems.push(`${op.operation} vs official ${official.operation}`);
    for (const v of op.variableDefinitions ?? []) {
      const ov = official.variableDefinitions?.find((x) => x.variable.name.value === v.variable.name.value);
      if (!ov) problems.push(`$${v.variable.name.value}: variable not declared officially`);
      else if (print(ov.type) !== print(v.type)) {
        problems.push(`$${v.variable.name.value}: type ${print(v.type)} vs official ${print(ov.type)}`);
      }
    }
    selectionSubset(
      flatten(op.selectionSet, new Map()),
      flatten(official.selectionSet, pool.fragments),
      "",
      problems,
    );
    if (problems.length === 0) return { name, matchedSource: source, problems };
    if (!best || problems.length < best.length) best = problems;
  }
  return { name, problems: best ?? [] };
}
