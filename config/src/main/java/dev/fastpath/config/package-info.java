/**
 * Configuration: every knob the seed and the issues name ({@link dev.fastpath.config.Knob}) with its
 * Linux default and range, loaded from TOML (tomlj), overridable with {@code key=value} or sysctl
 * names, validated before anything starts ({@link dev.fastpath.config.Config}).
 */
package dev.fastpath.config;
