import {
  createSpecValidatedRouter,
  type SpecRouter,
  type SpecValidatedRouterOptions,
} from '../schema/specValidatedRouter';

/** Adds a router's routes, using the services its options name. */
export type AddRoutes<Options> = (
  router: SpecRouter,
  options: Options,
) => void | Promise<void>;

/**
 * One of the plugin's routers, made from the services it is given: a router
 * that checks each request against the spec (and parses JSON bodies as
 * `parsing` says), with the routes `addRoutes` adds.
 */
export function specRouter<Options>(
  parsing: SpecValidatedRouterOptions,
  addRoutes: AddRoutes<Options>,
): (options: Options) => Promise<SpecRouter>;
export function specRouter<Options>(
  addRoutes: AddRoutes<Options>,
): (options: Options) => Promise<SpecRouter>;
export function specRouter<Options>(
  ...args:
    | [SpecValidatedRouterOptions, AddRoutes<Options>]
    | [AddRoutes<Options>]
): (options: Options) => Promise<SpecRouter> {
  const [parsing, addRoutes] = args.length === 2 ? args : [{}, args[0]];
  return async options => {
    const router = await createSpecValidatedRouter(parsing);
    await addRoutes(router, options);
    return router;
  };
}
