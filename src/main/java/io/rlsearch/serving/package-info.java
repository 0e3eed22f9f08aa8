/**
 * The data plane's pure core: the feature schema a search service's requests follow, the parsed and
 * validated rank request, the adapters that let every context policy rank a request's candidates, the
 * reward computed from feedback and the bounded join of feedback to decisions. Deterministic and free
 * of actors and HTTP: the serving actors and routes are thin layers over it.
 */
package io.rlsearch.serving;
