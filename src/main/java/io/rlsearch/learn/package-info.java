/**
 * Learner-side data structures; later everything that touches DJL (networks, the shared learner,
 * checkpoints). Today: the replay buffer, heap primitive columns with no object per transition.
 */
package io.rlsearch.learn;
