import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  catalogApiRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import { TextField } from '@material-ui/core';
import Autocomplete, {
  AutocompleteRenderInputParams,
} from '@material-ui/lab/Autocomplete';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useLocalization } from '../../hooks';

export interface EntityOption {
  ref: string;
  label: string;
}

function toOption(entity: Entity): EntityOption {
  const title =
    entity.metadata.title ??
    (entity.spec?.profile as { displayName?: string } | undefined)?.displayName;
  const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const name = humanizeEntityRef(entity, { defaultKind: 'group' });
  return { ref, label: title ? `${title} (${name})` : name };
}

/**
 * Catalog entities of the given kinds as picker options, loaded once. Refs
 * that are not (or no longer) in the catalog are still offered, as typed.
 */
export function useEntityOptions(kinds: string[], extraRefs: string[] = []) {
  const catalogApi = useApi(catalogApiRef);
  const [options, setOptions] = useState<EntityOption[]>([]);
  const [loading, setLoading] = useState(true);
  const kindsKey = kinds.join(',');
  useEffect(() => {
    let cancelled = false;
    catalogApi
      .getEntities({
        filter: { kind: kindsKey.split(',') },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.profile.displayName',
        ],
      })
      .then(response => {
        if (!cancelled) {
          setOptions(
            response.items
              .map(toOption)
              .sort((a, b) => a.label.localeCompare(b.label)),
          );
        }
      })
      .catch(() => {
        // The picker still accepts what was selected before.
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [catalogApi, kindsKey]);
  const known = new Set(options.map(o => o.ref));
  const extra = extraRefs
    .filter(ref => !known.has(ref))
    .map(ref => ({ ref, label: ref }));
  return { options: [...options, ...extra], loading };
}

interface PickerProps {
  label: string;
  name: string;
  kinds?: string[];
}

/**
 * An outlined field with a floating label, like the text fields and selects
 * beside it in forms and filter bars (the catalog's autocomplete puts its
 * label above the box, as its sidebar filters do).
 */
function pickerInput(label: string, name: string) {
  return (params: AutocompleteRenderInputParams) => (
    <TextField
      {...params}
      name={name}
      label={label}
      variant="outlined"
      size="small"
    />
  );
}

function optionLabel(option: EntityOption) {
  return option.label;
}

function sameOption(option: EntityOption, selected: EntityOption) {
  return option.ref === selected.ref;
}

/** Picks one catalog entity (an owner: a Group or a User, by default). */
export function EntityPicker(
  props: PickerProps & {
    value: string | null;
    onChange: (ref: string | null) => void;
  },
) {
  const { label, name, kinds = ['Group', 'User'], value, onChange } = props;
  const { t } = useLocalization();
  const { options, loading } = useEntityOptions(kinds, value ? [value] : []);
  return (
    <Autocomplete<EntityOption>
      size="small"
      loading={loading}
      loadingText={t('keyWorkspace.picker.loading')}
      noOptionsText={t('keyWorkspace.picker.noOptions')}
      options={options}
      value={options.find(o => o.ref === value) ?? null}
      getOptionLabel={optionLabel}
      getOptionSelected={sameOption}
      onChange={(_event, option) => onChange(option?.ref ?? null)}
      renderInput={pickerInput(label, name)}
    />
  );
}

/** Picks several catalog entities, for filters. */
export function EntityMultiPicker(
  props: PickerProps & {
    value: string[];
    onChange: (refs: string[]) => void;
  },
) {
  const { label, name, kinds = ['Group', 'User'], value, onChange } = props;
  const { t } = useLocalization();
  const { options, loading } = useEntityOptions(kinds, value);
  return (
    <Autocomplete<EntityOption, true>
      multiple
      size="small"
      loading={loading}
      loadingText={t('keyWorkspace.picker.loading')}
      noOptionsText={t('keyWorkspace.picker.noOptions')}
      options={options}
      value={options.filter(o => value.includes(o.ref))}
      getOptionLabel={optionLabel}
      getOptionSelected={sameOption}
      onChange={(_event, selected) => onChange(selected.map(o => o.ref))}
      renderInput={pickerInput(label, name)}
      limitTags={2}
    />
  );
}
