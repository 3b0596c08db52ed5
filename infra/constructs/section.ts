import { CfnElement, Names, Stack } from 'aws-cdk-lib';
import type { UniqueResourceNameOptions } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';

/**
 * One concern of the stack (its data, the API and sign-in, the follow-ups, the exports), grouped
 * for the reader and invisible to naming: a resource inside a section gets the logical id it would
 * get as a direct child of the stack. A name CDK would generate from the path (a schedule group's)
 * or a description that quotes it is kept the same way, by asking for it explicitly with
 * {@link resourceNameOutsideSections} or {@link pathOutsideSections}.
 *
 * Why: CloudFormation treats a changed logical id as a new resource. The table, the user pool, the
 * pseudonymisation key and the follow-up schedule group are retained and hold health data, users,
 * every pseudonym and the pending reminders, so regrouping code must never rename them. The stack
 * allocates logical ids through {@link SectionNaming}; construct paths (the tree, cdk-nag's
 * findings) do show the sections.
 */
export class Section extends Construct {}

/** The ids from just below the stack down to `construct` itself, sections left out. */
function pathOutsideSectionsOf(construct: IConstruct): string[] {
  const scopes = construct.node.scopes;
  return scopes
    .slice(scopes.indexOf(Stack.of(construct)) + 1)
    .filter((scope) => !(scope instanceof Section))
    .map((scope) => scope.node.id);
}

/**
 * A detached chain of constructs with the given ids, for CDK's own naming functions (`Names`) to read:
 * they name a construct from its path, so they name this chain as they would the resource outside
 * its sections. Never attached to the app, so never synthesized.
 */
function detachedPath(rootId: string, ids: readonly string[]): IConstruct {
  // A root construct has no scope, as an App has none.
  let node = new Construct(undefined as unknown as Construct, rootId);
  for (const id of ids) node = new Construct(node, id);
  return node;
}

/** `construct`'s path as it would be without sections, e.g. `Waymark/Api` for `Waymark/ApiAndAuth/Api`. */
export function pathOutsideSections(construct: IConstruct): string {
  return [Stack.of(construct).node.path, ...pathOutsideSectionsOf(construct)].join('/');
}

/**
 * The name `Names.uniqueResourceName` gives a child `id` of `scope`, as if no section stood between
 * it and the stack: for a resource whose L2 construct generates its physical name from its path.
 */
export function resourceNameOutsideSections(scope: IConstruct, id: string, options: UniqueResourceNameOptions): string {
  return Names.uniqueResourceName(detachedPath(Stack.of(scope).stackName, [...pathOutsideSectionsOf(scope), id]), options);
}

/**
 * Logical ids for one stack's elements, as CDK allocates them (`Names.nodeUniqueId` of the path
 * below the stack) but over the path without sections. Two elements that would get the same id
 * (two sections each holding a child of the same id) fail the synth rather than merge.
 */
export class SectionNaming {
  private readonly owners = new Map<string, CfnElement>();

  logicalIdOf(element: CfnElement): string {
    const logicalId = Names.nodeUniqueId(detachedPath('', pathOutsideSectionsOf(element)).node);
    const owner = this.owners.get(logicalId);
    if (owner && owner !== element) {
      throw new Error(`${element.node.path} and ${owner.node.path} would both get the logical id ${logicalId}: rename one of them`);
    }
    this.owners.set(logicalId, element);
    return logicalId;
  }
}

/** The CloudFormation logical id of a construct's main resource, as cdk-nag prints it. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!CfnElement.isCfnElement(resource)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  }
  return Stack.of(construct).getLogicalId(resource);
}
