import type { FilterNode } from '../filters.js';
import type { FilterScalar } from '../types.js';

/** A SQL boolean expression with positional `?` parameters, in order. */
export interface SqlFragment {
  /** Boolean expression over the columns of {@link SqlFragment.from}. */
  sql: string;
  params: Array<string | number | boolean>;
  /**
   * The relation to select from: `momo_documents` itself, or a subquery that adds one column per
   * filtered path (`f0`, `f1`, ...) so each JSON path is extracted once per row, not once per use.
   */
  from: string;
}

const NUMERIC_TYPES = "('BIGINT','UBIGINT','HUGEINT','UHUGEINT','DOUBLE')";

function pathExpr(path: string[]): string {
  if (path[0] === 'id') return 'to_json(id)';
  if (path[0] === 'title') return 'to_json(title)';
  // Segments were validated by parseFilter: no quotes, backslashes or control characters.
  const jsonPath = '$' + path.map((s) => `."${s}"`).join('');
  return `json_extract(metadata, '${jsonPath.replace(/'/g, "''")}')`;
}

/**
 * Compiles a parsed filter into a DuckDB WHERE expression over `momo_documents`
 * (`id`, `title`, `metadata` JSON), with exactly the semantics of `matchesFilter`:
 * positive operators match when the value or any array element does; `$ne`/`$nin` negate them.
 * Every sub-expression is COALESCEd, so SQL NULL (a missing path) never leaks into NOT.
 */
export function compileFilterSql(node: FilterNode | undefined): SqlFragment {
  const params: Array<string | number | boolean> = [];
  if (!node) return { sql: 'TRUE', params, from: 'momo_documents' };
  const columns = new Map<string, string>();
  const fieldExpr = (path: string[]): string => {
    const expr = pathExpr(path);
    let alias = columns.get(expr);
    if (alias === undefined) {
      alias = `f${columns.size}`;
      columns.set(expr, alias);
    }
    return alias;
  };

  // A scalar predicate on one JSON value `e`, pushing its parameters.
  const scalarEq = (e: string, v: FilterScalar): string => {
    if (v === null) return `(json_type(${e}) = 'NULL')`;
    if (typeof v === 'string') {
      params.push(v);
      return `(json_type(${e}) = 'VARCHAR' AND json_extract_string(${e}, '$') = ?)`;
    }
    if (typeof v === 'number') {
      params.push(v);
      return `(json_type(${e}) IN ${NUMERIC_TYPES} AND TRY_CAST(${e} AS DOUBLE) = CAST(? AS DOUBLE))`;
    }
    params.push(v);
    return `(json_type(${e}) = 'BOOLEAN' AND TRY_CAST(${e} AS BOOLEAN) = ?)`;
  };
  const scalarCmp = (e: string, op: string, bound: number | string): string => {
    const sqlOp = op === 'gt' ? '>' : op === 'gte' ? '>=' : op === 'lt' ? '<' : '<=';
    params.push(bound);
    if (typeof bound === 'number') return `(json_type(${e}) IN ${NUMERIC_TYPES} AND TRY_CAST(${e} AS DOUBLE) ${sqlOp} CAST(? AS DOUBLE))`;
    return `(json_type(${e}) = 'VARCHAR' AND json_extract_string(${e}, '$') ${sqlOp} ?)`;
  };
  // "x or any element of x satisfies pred"; pred is called twice (array branch, scalar branch).
  const anyElement = (x: string, pred: (e: string) => string): string => {
    const arrayBranch = `len(list_filter(json_extract(${x}, '$[*]'), lambda __e: ${pred('__e')})) > 0`;
    const scalarBranch = pred(x);
    return `COALESCE(CASE WHEN json_type(${x}) = 'ARRAY' THEN ${arrayBranch} ELSE ${scalarBranch} END, FALSE)`;
  };
  const eq = (x: string, v: FilterScalar): string => {
    const any = anyElement(x, (e) => scalarEq(e, v));
    return v === null ? `(${x} IS NULL OR ${any})` : any;
  };
  const inList = (x: string, vs: FilterScalar[]): string => (vs.length === 0 ? 'FALSE' : `(${vs.map((v) => eq(x, v)).join(' OR ')})`);

  const walk = (n: FilterNode): string => {
    switch (n.type) {
      case 'and':
        return n.children.length === 0 ? 'TRUE' : `(${n.children.map(walk).join(' AND ')})`;
      case 'or':
        return n.children.length === 0 ? 'FALSE' : `(${n.children.map(walk).join(' OR ')})`;
      case 'field': {
        const x = fieldExpr(n.path);
        switch (n.op) {
          case 'eq':
            return eq(x, n.value as FilterScalar);
          case 'ne':
            return `(NOT ${eq(x, n.value as FilterScalar)})`;
          case 'in':
            return inList(x, n.value as FilterScalar[]);
          case 'nin':
            return `(NOT ${inList(x, n.value as FilterScalar[])})`;
          case 'exists':
            return n.value ? `(${x} IS NOT NULL)` : `(${x} IS NULL)`;
          default:
            return anyElement(x, (e) => scalarCmp(e, n.op, n.value as number | string));
        }
      }
    }
  };
  const sql = walk(node);
  if (columns.size === 0) return { sql, params, from: 'momo_documents' };
  const extra = [...columns].map(([expr, alias]) => `${expr} AS ${alias}`).join(', ');
  return { sql, params, from: `(SELECT *, ${extra} FROM momo_documents) AS momo_filtered` };
}
