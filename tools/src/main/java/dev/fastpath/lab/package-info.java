/**
 * The lab: network namespaces and veth pairs built by {@code tools/lab/lab.sh} for tests and demos that
 * need a real link, addresses from 198.18.0.0/15 only, torn down afterwards (docs/design.md, "The lab").
 */
package dev.fastpath.lab;
