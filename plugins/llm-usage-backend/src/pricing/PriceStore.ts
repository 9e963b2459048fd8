import type { Price } from './prices';
import type { PriceDraft } from './priceSchemas';

/** The price book entries admins edit (origin `admin`). */
export interface PriceStore {
  list(): Promise<Price[]>;
  get(id: string): Promise<Price | undefined>;
  /** Throws ConflictError when the provider, model and date already have an entry. */
  create(draft: PriceDraft, actorRef: string): Promise<Price>;
  /** Throws ConflictError as create; NotFoundError for an unknown id. */
  update(
    id: string,
    patch: Partial<PriceDraft>,
    actorRef: string,
  ): Promise<Price>;
  /** Whether an entry was deleted. */
  delete(id: string): Promise<boolean>;
}
