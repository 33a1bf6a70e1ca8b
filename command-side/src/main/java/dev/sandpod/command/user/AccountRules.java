package dev.sandpod.command.user;

import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.RequestValidationException.Violation;
import dev.sandpod.api.user.UserRole;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** The shape rules of accounts created or changed by an admin (registration checks the same). */
public final class AccountRules {

    public static final int PASSWORD_MAX_LENGTH = 128;
    public static final int PASSWORD_FLOOR = 8;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,50}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    private static final int EMAIL_MAX_LENGTH = 254;

    private AccountRules() {}

    public static void username(String value, List<Violation> problems) {
        if (value == null || !USERNAME.matcher(value).matches()) {
            problems.add(
                    violation("username", "Username must be 3 to 50 characters of letters, digits, '_', '.' and '-'"));
        }
    }

    public static void email(String value, List<Violation> problems) {
        if (value == null
                || value.length() > EMAIL_MAX_LENGTH
                || !EMAIL.matcher(value).matches()) {
            problems.add(violation("email", "value is not a valid email address"));
        }
    }

    public static void password(String field, String value, int minLength, List<Violation> problems) {
        int min = Math.max(PASSWORD_FLOOR, minLength);
        if (value == null || value.length() < min) {
            problems.add(violation(field, "Password must be at least " + min + " characters"));
        } else if (value.length() > PASSWORD_MAX_LENGTH) {
            problems.add(violation(field, "Password must be at most " + PASSWORD_MAX_LENGTH + " characters"));
        }
    }

    public static UserRole role(String value, List<Violation> problems) {
        try {
            return UserRole.fromWire(value.trim());
        } catch (RuntimeException e) {
            problems.add(violation(
                    "role",
                    "Input should be one of "
                            + Arrays.stream(UserRole.values())
                                    .map(UserRole::wireName)
                                    .toList()));
            return null;
        }
    }

    public static void check(List<Violation> problems) {
        if (!problems.isEmpty()) {
            throw new RequestValidationException(problems);
        }
    }

    private static Violation violation(String field, String msg) {
        return new Violation(List.of("body", field), msg, "value_error");
    }
}
