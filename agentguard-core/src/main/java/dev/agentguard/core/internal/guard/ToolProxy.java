package dev.agentguard.core.internal.guard;

import dev.agentguard.AgentTool;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The invocation handler behind {@code guard.protect}: a map from each method of the interface to
 * what to do with it, built once. A tool method (see {@link ToolMethods}) is decided and then runs as
 * its exact implementation method on the frozen arguments; {@code equals}, {@code hashCode} and
 * {@code toString} are tools too when any of their declarations carries {@code @AgentTool}, and pass
 * through to the target otherwise.
 */
final class ToolProxy implements InvocationHandler {
  private static final Object[] NO_ARGS = new Object[0];
  private static final List<Method> OBJECT_METHODS = objectMethods();

  /** What a call of one method does. */
  private interface Route {
    Object call(Object proxy, Method method, Object[] args) throws Throwable;
  }

  /** How many methods the identity table keeps; an interface with more looks the rest up by hash. */
  private static final int IDENTITY_ROUTES = 16;

  private final Map<Method, Route> routes;
  /**
   * The routes of the {@code Method} objects the proxy class has passed so far, matched by identity
   * (a proxy class hands each method in as the same object on every call): a {@code HashMap} lookup
   * hashes and compares the method's name and parameter types on every call. Replaced whole, so a
   * reader sees a complete table; a race between two first calls only loses one entry, looked up by
   * hash again next time.
   */
  private volatile IdentityRoutes seen = new IdentityRoutes(new Method[0], new Route[0]);

  /** Methods and their routes, as parallel arrays. Immutable. */
  private record IdentityRoutes(Method[] methods, Route[] routes) {}

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
      if (Modifier.isStatic(m.getModifiers()) || objectMethod(m) != null) {
        continue;
      }
      List<Method> declarations = ToolMethods.declarations(iface, m, implClass);
      AgentTool tool = ToolMethods.annotation(declarations);
      if (tool != null) {
        routes.put(m, toolRoute(guard, iface, m, target, declarations, tool));
      } else if (m.isDefault()) {
        routes.put(m, defaultMethod(iface, m));
      } else if (allowUnannotated) {
        routes.put(m, passThrough(m, target));
      } else {
        throw new IllegalArgumentException(ToolMethods.describe(m) + " is not annotated with @AgentTool; annotate it "
            + "or build the guard with allowUnannotatedMethods(true) to let it pass through unguarded");
      }
    }
    // java.lang.reflect.Proxy hands equals/hashCode/toString to the handler as Object's methods, even
    // when the interface re-declares them: a tool of that name is routed under Object's method
    for (Method om : OBJECT_METHODS) {
      List<Method> declarations = ToolMethods.declarations(iface, om, implClass);
      AgentTool tool = ToolMethods.annotation(declarations);
      routes.put(om, tool != null ? toolRoute(guard, iface, om, target, declarations, tool) : passThrough(om, target));
    }
    Object proxy = Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, new ToolProxy(routes));
    return iface.cast(proxy);
  }

  /**
   * A guarded route: the call is decided, then the exact implementation method it was decided as
   * runs on the frozen arguments (a default method's body runs with the proxy as {@code this}).
   */
  private static Route toolRoute(GuardImpl guard, Class<?> iface, Method m, Object target, List<Method> declarations,
      AgentTool tool) {
    Method impl = ToolMethods.implementation(m, target.getClass());
    Method runs = impl != null ? impl : m;
    ToolDescriptor d = ToolMethods.descriptor(declarations, runs, tool);
    guard.declareSecrets(tool); // secrets (issue 15)
    if (runs.isDefault() && !m.isBridge() && runs.getDeclaringClass().isAssignableFrom(iface)) {
      // a default body of the protected interface: runs with the proxy as this, so its inner tool calls are guarded
      Route body = defaultMethod(iface, runs);
      return (proxy, method, args) -> guard.invokeTool(d, args(args), frozen -> body.call(proxy, method, frozen));
    }
    MethodHandle mh;
    try {
      mh = handle(runs, target);
    } catch (IllegalArgumentException inaccessible) {
      if (runs == m) {
        throw inaccessible;
      }
      mh = handle(m, target); // dispatches to the same implementation, which the guard could not open
    }
    MethodHandle handle = mh;
    GuardImpl.ToolBody body = frozen -> (Object) handle.invokeExact(frozen); // built once: no allocation per call
    return (proxy, method, args) -> guard.invokeTool(d, args(args), body);
  }

  private static Route passThrough(Method m, Object target) {
    MethodHandle mh = handle(m, target);
    return (proxy, method, args) -> (Object) mh.invokeExact(args(args));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    IdentityRoutes t = seen;
    Method[] ms = t.methods;
    for (int i = 0; i < ms.length; i++) {
      if (ms[i] == method) {
        return t.routes[i].call(proxy, method, args);
      }
    }
    Route route = routes.get(method);
    if (route == null) {
      throw new IllegalStateException("no route for " + method);
    }
    if (ms.length < IDENTITY_ROUTES) {
      Method[] m2 = Arrays.copyOf(ms, ms.length + 1);
      Route[] r2 = Arrays.copyOf(t.routes, ms.length + 1);
      m2[ms.length] = method;
      r2[ms.length] = route;
      seen = new IdentityRoutes(m2, r2);
    }
    return route.call(proxy, method, args);
  }

  private static Object[] args(Object[] args) {
    return args == null ? NO_ARGS : args;
  }

  /** {@code Object}'s method with {@code m}'s signature when {@code m} is equals, hashCode or toString; else null. */
  private static Method objectMethod(Method m) {
    for (Method om : OBJECT_METHODS) {
      if (om.getName().equals(m.getName()) && Arrays.equals(om.getParameterTypes(), m.getParameterTypes())) {
        return om;
      }
    }
    return null;
  }

  private static List<Method> objectMethods() {
    try {
      return List.of(Object.class.getMethod("equals", Object.class), Object.class.getMethod("hashCode"),
          Object.class.getMethod("toString"));
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
