package dev.agentguard.springai;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.metadata.ToolMetadata;

/** A plain ToolCallback (as an MCP client's would be) that records its inputs and tool contexts. */
final class RecordingCallback implements ToolCallback {
  final List<String> inputs = new CopyOnWriteArrayList<>();
  final List<Map<String, Object>> contexts = new CopyOnWriteArrayList<>();
  private final ToolDefinition definition;
  private final boolean returnDirect;

  RecordingCallback(String name, boolean returnDirect) {
    this.definition = ToolDefinition.builder().name(name).description("the " + name + " tool")
        .inputSchema("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}").build();
    this.returnDirect = returnDirect;
  }

  @Override
  public ToolDefinition getToolDefinition() {
    return definition;
  }

  @Override
  public ToolMetadata getToolMetadata() {
    return ToolMetadata.builder().returnDirect(returnDirect).build();
  }

  @Override
  public String call(String toolInput) {
    throw new AssertionError("the tool context was dropped: call(String) was used");
  }

  @Override
  public String call(String toolInput, ToolContext toolContext) {
    inputs.add(toolInput);
    contexts.add(toolContext == null ? null : Map.copyOf(toolContext.getContext()));
    return "sunny in " + toolInput;
  }
}
