package io.rlsearch.actors.serve;

import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingPolicy;
import io.rlsearch.serving.ServingSchema;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registered versions' policies bound to the serving schema, once per version
 * ({@link ServingPolicies#bind}): what the shards and the shadow rank real requests with. A version
 * is bound when it is registered ({@link #put}), so a policy that does not fit the schema is refused
 * there with one line; a version that reaches a shard unbound is bound on first use. Thread-safe;
 * the bound policies are immutable.
 */
public final class Bindings {
  private final ServingSchema schema;
  private final ConcurrentHashMap<Long, ServingPolicy> bound = new ConcurrentHashMap<>();

  /** Bindings to {@code schema}. */
  public Bindings(ServingSchema schema) {
    this.schema = Objects.requireNonNull(schema, "schema");
  }

  /** The schema in force. */
  public ServingSchema schema() {
    return schema;
  }

  /**
   * Binds {@code p} to the schema.
   *
   * @throws IllegalArgumentException one line naming what the schema lacks
   */
  public ServingPolicy bind(PolicySnapshot p) {
    return ServingPolicies.bind(p, schema);
  }

  /** Keeps {@code p} as version {@code id}'s bound policy. */
  public void put(long id, ServingPolicy p) {
    bound.put(id, Objects.requireNonNull(p, "policy"));
  }

  /**
   * Version {@code v}'s bound policy (bound now if it was not yet).
   *
   * @throws IllegalArgumentException if it does not bind to the schema
   */
  public ServingPolicy of(Routing.Version v) {
    ServingPolicy p = bound.get(v.id());
    return p != null ? p : bound.computeIfAbsent(v.id(), id -> bind(v.policy()));
  }
}
