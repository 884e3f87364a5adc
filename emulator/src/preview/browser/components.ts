// Registers the mini-program's pages and components with j-component (exparser underneath, the framework WeChat
// itself uses), from the project's own files: the definition each module hands to Component(), its WXML, and the
// components its .json uses. Built-in form controls (input, textarea) are registered here as components that hold a
// real browser control, so a person can type.
import * as jComponent from 'j-component';
import { modules } from 'preview:manifest';
import { registerBuiltIns } from './built-ins';

type Definition = Record<string, unknown> & { options?: Record<string, unknown> };

const definitions = new Map<string, Definition>();
const ids = new Map<string, string>();
let builtIns: Record<string, string> | undefined;

function definitionOf(route: string): Definition {
  const known = definitions.get(route);
  if (known) return known;
  const module = modules[route];
  if (!module) throw new Error(`the mini-program has no page or component ${route}`);
  const g = globalThis as { Component?: (def: Definition) => void };
  let captured: Definition | undefined;
  g.Component = (def) => {
    captured = def;
  };
  module.load();
  if (!captured) throw new Error(`${route} did not call Component()`);
  definitions.set(route, captured);
  return captured;
}

function resolveRoute(from: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = from.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}

function classPrefixOf(route: string): string {
  const parts = route.split('/').filter((p) => p && p !== 'index' && p !== 'components');
  return (parts.join('-') || 'c').replace(/[^-_a-zA-Z0-9]/g, '_');
}

/** The j-component id of a page or component, registering it (and what it uses) on first use. */
export function componentId(route: string, tagName?: string): string {
  const known = ids.get(route);
  if (known) return known;
  builtIns ??= registerBuiltIns();
  const module = modules[route];
  const usingComponents: Record<string, string> = { ...builtIns };
  for (const [tag, target] of Object.entries(module?.json.usingComponents ?? {})) {
    usingComponents[tag] = componentId(resolveRoute(route, target), tag);
  }
  const definition = definitionOf(route);
  const isPage = tagName === undefined;
  const id = jComponent.register({
    ...definition,
    template: module.wxml,
    usingComponents,
    tagName: tagName ?? 'wx-page',
    // Pages share app.wxss; a component's classes are isolated by a prefix, as WeChat isolates component styles.
    options: { ...(definition.options ?? {}), classPrefix: isPage ? '' : classPrefixOf(route) },
  });
  ids.set(route, id);
  return id;
}
