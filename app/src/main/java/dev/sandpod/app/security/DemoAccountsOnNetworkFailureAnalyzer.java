package dev.sandpod.app.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link DemoAccountsOnNetworkException} into a short report with what to do, not a stack trace. */
public class DemoAccountsOnNetworkFailureAnalyzer extends AbstractFailureAnalyzer<DemoAccountsOnNetworkException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DemoAccountsOnNetworkException cause) {
        return new FailureAnalysis(cause.description(), DemoAccountsOnNetworkException.action(), cause);
    }
}
