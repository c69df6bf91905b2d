/**
 * OpenTelemetry for AgentGuard: {@link dev.agentguard.opentelemetry.AgentGuardTelemetry} gives a
 * call observer (a span per guarded call after the GenAI {@code execute_tool} conventions, decision
 * and overhead metrics), audit health metrics and an audit sink that emits each record as a log
 * record. All exported names are in {@link dev.agentguard.opentelemetry.TelemetryKeys}.
 *
 * @since 0.2.0
 */
package dev.agentguard.opentelemetry;
