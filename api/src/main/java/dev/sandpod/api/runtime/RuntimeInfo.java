package dev.sandpod.api.runtime;

public record RuntimeInfo(String lang, String version, boolean available, String reason) {}
