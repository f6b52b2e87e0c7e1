import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { NodePath } from './problems.js';
import type { SourcePosition } from './types.js';

type YamlNode = Node | null | undefined;

interface PairLike {
  key: unknown;
  value: unknown;
}

/** Finds YAML nodes by path and turns their offsets into 1-based line/column positions. */
export class PlanSourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    readonly text: string,
  ) {}

  /** Returns the plan's root node (the list). */
  get root(): YamlNode {
    return this.doc.contents;
  }

  /** Returns the 1-based position of a text offset. */
  positionAt(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /** Returns where a node starts, or line 1 column 1 when it has no range. */
  positionOf(node: unknown): SourcePosition {
    const range = (node as Node | undefined)?.range;
    return range ? this.positionAt(range[0]) : { line: 1, col: 1 };
  }

  /**
   * Returns the position of the deepest existing node along `path`; with `atKey`, the position
   * of the last segment's key (where an unknown field is written) instead of its value.
   */
  locate(path: NodePath, atKey = false): SourcePosition {
    let node: YamlNode = this.resolve(this.root);
    for (const [i, segment] of path.entries()) {
      const isLast = i === path.length - 1;
      if (isMap(node)) {
        const pair = this.findPair(node.items, segment);
        if (!pair) break;
        if (isLast && atKey) return this.positionOf(pair.key);
        node = this.resolve(pair.value as YamlNode) ?? (pair.key as Node);
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as YamlNode;
        if (!item) break;
        node = this.resolve(item);
      } else {
        break;
      }
    }
    return this.positionOf(node);
  }

  /** Returns the node at `path`, or undefined when the path leaves the document. */
  nodeAt(path: NodePath): YamlNode {
    let node: YamlNode = this.resolve(this.root);
    for (const segment of path) {
      if (isMap(node)) node = this.resolve(this.findPair(node.items, segment)?.value as YamlNode);
      else if (isSeq(node) && typeof segment === 'number')
        node = this.resolve(node.items[segment] as YamlNode);
      else return undefined;
    }
    return node;
  }

  /** Returns the exact source text of a scalar node, when it has a range. */
  sourceOf(node: YamlNode): { text: string; offset: number } | undefined {
    if (!isScalar(node) || !node.range) return undefined;
    return { text: this.text.slice(node.range[0], node.range[1]), offset: node.range[0] };
  }

  private resolve(node: YamlNode): YamlNode {
    // An alias points at its anchor: locate problems where the value was written.
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  private findPair(items: readonly PairLike[], key: string | number): PairLike | undefined {
    const direct = items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
    if (direct) return direct;
    // `<<: *anchor` merge keys: the field was written in the merged mapping.
    for (const pair of items) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol') continue;
      const merged = this.resolve(pair.value as YamlNode);
      const sources = isSeq(merged)
        ? merged.items.map((n) => this.resolve(n as YamlNode))
        : [merged];
      for (const source of sources) {
        const found = isMap(source) ? this.findPair(source.items, key) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  }
}
