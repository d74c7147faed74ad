/** The System classes as the interpreter sees them: statics (system-statics.ts) and value methods (value-methods.ts). */
import type { Site, TypeRef } from '../ast.js';
import type { Frame, Interpreter, ResolvedType, SystemLibrary } from '../interpreter.js';
import type { OrgBridge } from '../org-bridge.js';
import type { Value } from '../values.js';
import { SYSTEM_TYPES, SystemStatics, setSystemStatic, systemStatic } from './system-statics.js';
import { ValueMethods } from './value-methods.js';

export class ApexSystemLibrary implements SystemLibrary {
  private readonly statics: SystemStatics;
  private readonly values: ValueMethods;

  constructor(bridge: OrgBridge) {
    this.statics = new SystemStatics(bridge);
    this.values = new ValueMethods(bridge, this.statics);
  }

  isSystemType(name: string): boolean {
    return SYSTEM_TYPES.has(name);
  }

  getStatic(interpreter: Interpreter, typeName: string, member: string, site: Site, frame: Frame) {
    void site;
    void frame;
    return systemStatic(interpreter, typeName, member);
  }

  setStatic(interpreter: Interpreter, typeName: string, member: string, value: Value, site: Site): boolean {
    void site;
    return setSystemStatic(interpreter, typeName, member, value);
  }

  callStatic(
    interpreter: Interpreter,
    typeName: string,
    method: string,
    args: Value[],
    site: Site,
    frame: Frame,
  ): Value | Promise<Value> {
    return this.statics.call(interpreter, typeName, method, args, site, frame);
  }

  construct(interpreter: Interpreter, type: TypeRef, resolved: ResolvedType, args: Value[], site: Site): Value {
    return this.values.construct(interpreter, type, resolved, args, site);
  }

  callMethod(
    interpreter: Interpreter,
    target: Value,
    method: string,
    args: Value[],
    site: Site,
  ): Value | Promise<Value> {
    return this.values.call(interpreter, target, method, args, site);
  }

  getProperty(interpreter: Interpreter, target: Value, name: string, site: Site): Value {
    return this.values.getProperty(interpreter, target, name, site);
  }

  setProperty(interpreter: Interpreter, target: Value, name: string, value: Value, site: Site): void {
    this.values.setProperty(interpreter, target, name, value, site);
  }
}
