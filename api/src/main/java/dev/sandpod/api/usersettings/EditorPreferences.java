package dev.sandpod.api.usersettings;

/** Code editor preferences: font size 8..32, tab size 2, 4 or 8. */
public record EditorPreferences(int fontSize, int tabSize, boolean useTabs, boolean wordWrap, boolean showLineNumbers) {

    public static final EditorPreferences DEFAULTS = new EditorPreferences(14, 4, false, true, true);
}
