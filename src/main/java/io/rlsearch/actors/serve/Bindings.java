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
 * there with one line; a version that reaches a shard unbound is bound on first use. A version the
 * registry retires is dropped ({@link #retire}), so the bindings hold no more versions than the
 * registry; a shard still ranking with an older routing table that names a retired version binds it
 * for that request without keeping it. Thread-safe; the bound policies are immutable.
 */
public final class Bindings {
  private final ServingSchema schema;
  private final ConcurrentHashMap<Long, ServingPolicy> bound = new ConcurrentHashMap<>();
  /** The most recently retired ids (at most {@link #RETIRED_REMEMBERED}), oldest first. */
  private final java.util.LinkedHashSet<Long> retired = new java.util.LinkedHashSet<>();

  /** Retired ids remembered, so that a late request does not bind one again for good. */
  static final int RETIRED_REMEMBERED = 1024;

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

  /** Drops version {@code id}'s bound policy: the registry retired it. */
  public void retire(long id) {
    synchronized (retired) {
      retired.add(id);
      if (retired.size() > RETIRED_REMEMBERED) {
        java.util.Iterator<Long> it = retired.iterator();
        it.next();
        it.remove();
      }
    }
    bound.remove(id);
  }

  /** Versions bound now. */
  public int size() {
    return bound.size();
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
    if (p != null) {
      return p;
    }
    synchronized (retired) {
      if (retired.contains(v.id())) {
        return bind(v.policy());
      }
    }
    ServingPolicy q = bound.computeIfAbsent(v.id(), id -> bind(v.policy()));
    synchronized (retired) {
      if (retired.contains(v.id())) {
        // Retired while it was being bound.
        bound.remove(v.id());
      }
    }
    return q;
  }
}
