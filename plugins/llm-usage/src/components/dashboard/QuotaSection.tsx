/**
 * Budgets and provider balances (total, used, remaining, days left at the
 * current burn) belong here. There is no budget API yet, and with no budget
 * the section shows nothing at all, so for now it renders nothing.
 *
 * @internal
 */
export function QuotaSection() {
  return null;
}
