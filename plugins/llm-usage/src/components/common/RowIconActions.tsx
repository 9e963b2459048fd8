import { type SvgIcon } from '@material-ui/core';
import { IconAction } from './IconAction';

/** @internal */
export interface RowIconActionsProps<A extends string> {
  /** The actions offered on this row, in order. */
  actions: readonly A[];
  icons: Record<A, typeof SvgIcon>;
  /** The tooltip of an action. */
  title: (action: A) => string;
  /** The accessible name of an action, naming the row's item. */
  label: (action: A) => string;
  onAction: (action: A) => void;
  /** Whether an action is disabled; only for actions that can be. */
  disabled?: (action: A) => boolean | undefined;
}

/** The icon buttons of a table row's actions, defined by their names. */
export function RowIconActions<A extends string>(
  props: RowIconActionsProps<A>,
) {
  const { actions, icons, title, label, onAction, disabled } = props;
  return (
    <>
      {actions.map(action => (
        <IconAction
          key={action}
          title={title(action)}
          label={label(action)}
          icon={icons[action]}
          disabled={disabled?.(action)}
          onClick={() => onAction(action)}
        />
      ))}
    </>
  );
}
