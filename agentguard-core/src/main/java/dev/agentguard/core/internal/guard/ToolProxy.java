package dev.agentguard.core.internal.guard;

import dev.agentguard.AgentTool;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * The invocation handler behind {@code guard.protect}: a map from each method of the interface to
 * what to do with it, built once.
 */
final class ToolProxy implements InvocationHandler {
  private static final Object[] NO_ARGS = new Object[0];

  /** What a call of one method does. */
  private interface Route {
    Object call(Object proxy, Method method, Object[] args) throws Throwable;
  }

  private final Map<Method, Route> routes;

  private ToolProxy(Map<Method, Route> routes) {
    this.routes = routes;
  }

  static <T> T create(GuardImpl guard, Class<T> iface, T target, boolean allowUnannotated) {
    if (!iface.isInterface()) {
      throw new IllegalArgumentException(iface.getName() + " is not an interface: protect() wraps interfaces");
    }
    if (!iface.isInstance(target)) {
      throw new IllegalArgumentException("target " + target.getClass().getName() + " does not implement " + iface.getName());
    }
    Map<Method, Route> routes = new HashMap<>();
    Class<?> implClass = target.getClass();
    for (Method m : iface.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      AgentTool tool = ToolMethods.annotation(m, implClass);
      if (tool != null) {
        ToolDescriptor d = ToolMethods.descriptor(m, implClass, tool);
        if (m.isDefault()) {
          Route body = defaultMethod(iface, m);
          routes.put(m, (proxy, method, args) -> guard.invokeTool(d, args(args),
              () -> body.call(proxy, method, args)));
        } else {
          MethodHandle mh = handle(m, target);
          routes.put(m, (proxy, method, args) -> {
            Object[] a = args(args);
            return guard.invokeTool(d, a, () -> (Object) mh.invokeExact(a));
          });
        }
      } else if (m.isDefault()) {
        routes.put(m, defaultMethod(iface, m));
      } else if (allowUnannotated) {
        MethodHandle mh = handle(m, target);
        routes.put(m, (proxy, method, args) -> (Object) mh.invokeExact(args(args)));
      } else {
        throw new IllegalArgumentException(ToolMethods.describe(m) + " is not annotated with @AgentTool; annotate it "
            + "or build the guard with allowUnannotatedMethods(true) to let it pass through unguarded");
      }
    }
    for (String name : new String[] {"equals", "hashCode", "toString"}) {
      Method m = objectMethod(name);
      MethodHandle mh = handle(m, target);
      routes.put(m, (proxy, method, args) -> (Object) mh.invokeExact(args(args)));
    }
    Object proxy = Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, new ToolProxy(routes));
    return iface.cast(proxy);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    Route route = routes.get(method);
    if (route == null) {
      throw new IllegalStateException("no route for " + method);
    }
    return route.call(proxy, method, args);
  }

  private static Object[] args(Object[] args) {
    return args == null ? NO_ARGS : args;
  }

  private static Method objectMethod(String name) {
    try {
      return name.equals("equals") ? Object.class.getMethod(name, Object.class) : Object.class.getMethod(name);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs a default method's body with the proxy as {@code this}, so the tools it calls are guarded.
   * Uses a private lookup where the interface's module allows it (any interface on the class path,
   * public or not), else {@link InvocationHandler#invokeDefault} (public interfaces).
   */
  private static Route defaultMethod(Class<?> iface, Method m) {
    MethodHandle special;
    try {
      special = MethodHandles.privateLookupIn(iface, MethodHandles.lookup())
          .unreflectSpecial(m, iface)
          .asSpreader(Object[].class, m.getParameterCount())
          .asType(MethodType.methodType(Object.class, Object.class, Object[].class));
    } catch (IllegalAccessException | RuntimeException e) {
      return InvocationHandler::invokeDefault;
    }
    return (proxy, method, args) -> (Object) special.invokeExact(proxy, args(args));
  }

  /** A handle that calls {@code m} on {@code target} with an Object[] of arguments and returns Object. */
  static MethodHandle handle(Method m, Object target) {
    try {
      m.setAccessible(true);
      return MethodHandles.lookup().unreflect(m)
          .bindTo(target)
          .asSpreader(Object[].class, m.getParameterCount())
          .asType(MethodType.methodType(Object.class, Object[].class));
    } catch (IllegalAccessException | RuntimeException e) {
      throw new IllegalArgumentException("cannot call " + ToolMethods.describe(m) + " on the target: " + e, e);
    }
  }
}
