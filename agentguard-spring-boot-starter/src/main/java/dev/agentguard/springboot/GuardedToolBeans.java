package dev.agentguard.springboot;

import dev.agentguard.AgentTool;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.springai.GuardedToolCallbacks;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The guarded tools of the application context: every singleton bean with a {@code @Tool} method
 * that carries {@code @AgentTool}, guarded by the context's {@link AgentGuard}. They are found once
 * every singleton exists, so a misdeclared tool (a {@code @Tool} method without {@code @AgentTool}
 * in a class that has guarded tools, a bad {@code @Attr}) fails the context's startup. A bean whose
 * {@code @Tool} methods have no {@code @AgentTool} at all is left alone; if a request offers it, the
 * AgentGuard advisors refuse the request.
 *
 * <p>Thread-safe.
 *
 * @since 0.2.0
 */
public final class GuardedToolBeans implements SmartInitializingSingleton {
  private final ListableBeanFactory beans;
  private final AgentGuard guard;
  private final boolean denialsThrow;
  private volatile ToolCallback[] callbacks;

  /** Tools of the beans of {@code beans}, guarded by {@code guard}. */
  public GuardedToolBeans(ListableBeanFactory beans, AgentGuard guard, boolean denialsThrow) {
    this.beans = beans;
    this.guard = guard;
    this.denialsThrow = denialsThrow;
  }

  /**
   * The tools as a provider for {@code ChatClient.Builder.defaultTools(..)}. (This bean is no
   * {@link ToolCallbackProvider} itself, so that Spring AI's resolver does not collect it early.)
   */
  public ToolCallbackProvider provider() {
    return this::getToolCallbacks;
  }

  /** Finds and guards the tool beans (once). */
  @Override
  public void afterSingletonsInstantiated() {
    getToolCallbacks();
  }

  /**
   * The guarded tools of every tool bean, in bean-name order.
   *
   * @throws IllegalArgumentException if a tool bean is misdeclared
   */
  public ToolCallback[] getToolCallbacks() {
    ToolCallback[] found = callbacks;
    if (found == null) {
      synchronized (this) {
        found = callbacks;
        if (found == null) {
          found = scan();
          callbacks = found;
        }
      }
    }
    return found.clone();
  }

  private ToolCallback[] scan() {
    List<Object> toolBeans = new ArrayList<>();
    String[] names = beans.getBeanNamesForType(Object.class, false, false);
    Arrays.sort(names);
    for (String name : names) {
      Class<?> type = beans.getType(name, false);
      if (type == null || !hasGuardedTool(ClassUtils.getUserClass(type))) {
        continue;
      }
      toolBeans.add(beans.getBean(name));
    }
    if (toolBeans.isEmpty()) {
      return new ToolCallback[0];
    }
    return GuardedToolCallbacks.builder(guard).tools(toolBeans.toArray()).denialsThrow(denialsThrow).build()
        .getToolCallbacks();
  }

  private static boolean hasGuardedTool(Class<?> type) {
    for (Method m : ReflectionUtils.getDeclaredMethods(type)) {
      if (AnnotationUtils.findAnnotation(m, Tool.class) != null && AnnotationUtils.findAnnotation(m, AgentTool.class) != null) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "GuardedToolBeans";
  }
}
