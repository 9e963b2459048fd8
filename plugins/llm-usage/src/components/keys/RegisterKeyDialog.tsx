import { useApi } from '@backstage/frontend-plugin-api';
import type { ProviderAccountSummary } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { useNotify, useLocalization } from '../../hooks';
import { useTextForm } from '../common/useTextForm';
import { NewKeyDialog, NewKeyRequest } from './NewKeyDialog';

/**
 * Registers a key by hand, for providers whose API cannot list keys
 * (Volcengine). The secret is optional and write-only: it is stored
 * encrypted and only its masked hint is shown afterwards.
 */
export function RegisterKeyDialog({
  accounts,
  onClose,
  onRegistered,
}: {
  accounts: ProviderAccountSummary[];
  onClose: () => void;
  onRegistered: () => void;
}) {
  const { t } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
  // Accounts that cannot list their keys come first: they need this most.
  const sorted = [...accounts].sort(
    (a, b) =>
      Number(b.manualKeyRegistration) - Number(a.manualKeyRegistration) ||
      a.name.localeCompare(b.name),
  );
  const {
    form: { secret, providerKeyId },
    textField,
  } = useTextForm('register', { secret: '', providerKeyId: '' });

  const register = async (request: NewKeyRequest) => {
    await api.registerKey({
      ...request,
      ...(secret ? { secret } : {}),
      ...(providerKeyId.trim() ? { providerKeyId: providerKeyId.trim() } : {}),
    });
    notify.success(t('keyWorkspace.register.done', { name: request.name }));
    onRegistered();
  };

  return (
    <NewKeyDialog
      id="register"
      accounts={sorted}
      title={t('keyWorkspace.register.title')}
      confirmLabel={t('keyWorkspace.register.confirm')}
      onClose={onClose}
      onSubmit={register}
      fields={
        <>
          {textField('secret', t('keyWorkspace.register.secret'), {
            type: 'password',
            autoComplete: 'new-password',
            helperText: t('keyWorkspace.register.secretHelp'),
          })}
          {textField('providerKeyId', t('keyWorkspace.detail.providerKeyId'), {
            id: 'register-provider-key-id',
            helperText: t('keyWorkspace.register.providerKeyIdHelp'),
          })}
        </>
      }
    />
  );
}
