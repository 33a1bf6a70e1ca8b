package dev.sandpod.api.runtime;

import java.util.List;

public record LanguageInfo(List<String> versions, String fileExt) {}
