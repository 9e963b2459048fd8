import { ReactNode, useEffect, useRef, useState } from 'react';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  makeStyles,
} from '@material-ui/core';
import type { SortOrder } from '@llm-usage/backstage-plugin-llm-usage-common';

/** @internal */
export interface DataTableColumn {
  label?: ReactNode;
  align?: 'right';
  padding?: 'checkbox';
  /** Never wrapped; right-aligned columns (figures) never are. */
  nowrap?: boolean;
  /**
   * `low`: the first column to leave when the table does not fit its card
   * (its content should also be reachable elsewhere, e.g. the row's details).
   * Money is never `low`.
   */
  priority?: 'low';
  /** The order the table is sorted by this column in, for assistive tech. */
  sortDirection?: SortOrder | false;
}

/** @internal */
export interface DataTableProps {
  /** The header cells, in order; `false` leaves a conditional column out. */
  columns: Array<DataTableColumn | false>;
  /** The body rows. */
  children: ReactNode;
  testId?: string;
  /** Class of the table. */
  className?: string;
  /** Class of the box around it. */
  containerClassName?: string;
  /**
   * The width every column needs; below it the `low` columns leave, and the
   * table scrolls sideways only if it still does not fit.
   */
  minWidth?: number;
  /** Below this container width every row is a labelled card. */
  cardsBelow?: number;
}

/** @internal */
export type DataTableLayout = 'table' | 'compact' | 'cards';

const CARDS_BELOW = 600;

/** Which layout a container of this width gets. */
export function dataTableLayout(
  width: number,
  minWidth: number,
  cardsBelow: number,
): DataTableLayout {
  if (width < cardsBelow) {
    return 'cards';
  }
  return width < minWidth ? 'compact' : 'table';
}

const useStyles = makeStyles(theme => ({
  container: {
    overflowX: 'auto',
    maxWidth: '100%',
  },
  table: {
    // Words wrap between words, never inside one.
    '& th, & td': {
      overflowWrap: 'normal',
      wordBreak: 'normal',
    },
    '& th': {
      whiteSpace: 'nowrap',
    },
    '& td[data-nowrap]': {
      whiteSpace: 'nowrap',
    },
  },
  compact: {
    '& [data-priority="low"]': {
      display: 'none',
    },
  },
  cards: {
    display: 'block',
    '& thead': {
      display: 'none',
    },
    '& tbody': {
      display: 'block',
    },
    '& tbody tr': {
      display: 'block',
      padding: theme.spacing(1, 0),
      borderBottom: `1px solid ${theme.palette.divider}`,
    },
    '& tbody td': {
      display: 'flex',
      // Right-aligned MUI cells reverse their content; a card reads label first.
      flexDirection: 'row',
      width: 'auto',
      alignItems: 'center',
      justifyContent: 'space-between',
      flexWrap: 'wrap',
      gap: theme.spacing(0.5, 2),
      border: 'none',
      padding: theme.spacing(0.5, 1),
      textAlign: 'right',
    },
    // Checkbox and expand-button cells: no label, the control at the start.
    '& tbody td[data-label=""]': {
      display: 'block',
      textAlign: 'left',
    },
    '& tbody td[data-label]:not([data-label=""])::before': {
      content: 'attr(data-label)',
      color: theme.palette.text.secondary,
      fontWeight: theme.typography.fontWeightMedium as number,
      whiteSpace: 'nowrap',
      textAlign: 'left',
      marginRight: 'auto',
    },
    '& [data-priority="low"]': {
      display: 'none',
    },
  },
}));

/**
 * Tells every body cell which column it is in: its header text as
 * `data-label` (shown in the card layout), its priority and whether it wraps.
 * Rows that span the whole table (details, empty and loading rows) are left
 * alone. Row components render themselves, so this reads the DOM.
 */
function labelCells(table: HTMLTableElement, columns: DataTableColumn[]) {
  const headers = Array.from(table.tHead?.rows[0]?.cells ?? []).map(cell =>
    (cell.textContent ?? '').trim(),
  );
  for (const body of Array.from(table.tBodies)) {
    for (const row of Array.from(body.rows)) {
      if (row.cells.length !== columns.length) {
        continue;
      }
      Array.from(row.cells).forEach((cell, index) => {
        const column = columns[index];
        cell.setAttribute('data-label', headers[index] ?? '');
        toggleAttribute(cell, 'data-priority', column.priority);
        const nowrap = column.nowrap || column.align === 'right';
        toggleAttribute(cell, 'data-nowrap', nowrap ? '' : undefined);
      });
    }
  }
}

function toggleAttribute(element: Element, name: string, value?: string) {
  if (value === undefined) {
    element.removeAttribute(name);
  } else if (element.getAttribute(name) !== value) {
    element.setAttribute(name, value);
  }
}

/** The width of an element, followed as it resizes (Infinity until known). */
function useWidth(element: HTMLElement | null): number {
  const [width, setWidth] = useState(Number.POSITIVE_INFINITY);
  useEffect(() => {
    if (!element || typeof ResizeObserver === 'undefined') {
      return undefined;
    }
    const measure = () => {
      const measured = element.getBoundingClientRect().width;
      // jsdom lays nothing out: keep the full table there.
      setWidth(measured > 0 ? measured : Number.POSITIVE_INFINITY);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return width;
}

/**
 * The plugin's table: one header row, columns with priorities, and three
 * layouts by the width of its card — every column; without the `low` ones
 * (scrolling sideways only if still too wide); and on a phone, one labelled
 * card per row.
 */
export function DataTable({
  columns,
  children,
  testId,
  className,
  containerClassName,
  minWidth = 0,
  cardsBelow = CARDS_BELOW,
}: DataTableProps) {
  const classes = useStyles();
  const [container, setContainer] = useState<HTMLDivElement | null>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  // The width the full table turned out to need, when more than `minWidth`
  // (long names, several currencies): below it the `low` columns leave.
  const [neededWidth, setNeededWidth] = useState(minWidth);
  const layout = dataTableLayout(
    useWidth(container),
    Math.max(minWidth, neededWidth),
    cardsBelow,
  );
  const shown = columns.filter(
    (column): column is DataTableColumn => column !== false,
  );

  // Followed as the table resizes: new rows, and fonts that load late,
  // widen it without a render here.
  useEffect(() => {
    const table = tableRef.current;
    if (
      layout !== 'table' ||
      !table ||
      !container ||
      typeof ResizeObserver === 'undefined'
    ) {
      return undefined;
    }
    const check = () => {
      const natural = table.offsetWidth;
      if (natural > container.clientWidth + 1) {
        setNeededWidth(needed => Math.max(needed, natural));
      }
    };
    check();
    const observer = new ResizeObserver(check);
    observer.observe(table);
    return () => observer.disconnect();
  }, [layout, container]);

  // Label the cells after every render and whenever rows come and go
  // (rows expand and load on their own).
  useEffect(() => {
    const table = tableRef.current;
    if (!table) {
      return undefined;
    }
    labelCells(table, shown);
    if (typeof MutationObserver === 'undefined') {
      return undefined;
    }
    const observer = new MutationObserver(() => labelCells(table, shown));
    observer.observe(table, { childList: true, subtree: true });
    return () => observer.disconnect();
  });

  const layoutClass = {
    table: undefined,
    compact: classes.compact,
    cards: classes.cards,
  }[layout];

  return (
    <div
      ref={setContainer}
      className={[classes.container, containerClassName]
        .filter(Boolean)
        .join(' ')}
      data-layout={layout}
    >
      <Table
        ref={tableRef}
        size="small"
        className={[classes.table, layoutClass, className]
          .filter(Boolean)
          .join(' ')}
        data-testid={testId}
      >
        <TableHead>
          <TableRow>
            {shown.map((column, index) => (
              <TableCell
                key={index}
                align={column.align}
                padding={column.padding}
                sortDirection={column.sortDirection}
                data-priority={column.priority}
              >
                {column.label}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>{children}</TableBody>
      </Table>
    </div>
  );
}
