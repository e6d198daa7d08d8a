// This file finds every --flag that vupload's own texts name (messages, hints, help) and the commands that print each.
//
// How: TypeScript's language service reads src/. Every string or template with a space and a --flag in it is a text
// (flag declarations such as '--file <file>' and bare flag tokens are data, not texts). A flag that follows
// `vupload WORDS` in the same command line of the text belongs to the command those words name (`run: vupload auth
// login --profile work`). Any other flag belongs to the commands that print the text, found by walking up from it:
// a call in a commander chain (`new Command('upload')…`, `auth.command('login')…`, an action, an option's parser)
// names its command; a function, method, class or constant is followed through every reference to it (interface
// members included), a table entry only through references that read that entry. A reference that reads a table
// with a computed key (`REASONS[reason]`) may print any entry: the commands found past it are only "possible".
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface FlagMention {
  /** src-relative file and line of the text. */
  where: string;
  text: string;
  flag: string;
  /** The command path (`auth login`; '' for the program) a `vupload …` example in the text names, if any. */
  example?: string;
  /** Commands that certainly can print the text (when example is undefined). */
  printedBy: string[];
  /** Commands that may print it, through a table read with a computed key. */
  mayBePrintedBy: string[];
}

interface Contexts {
  strong: Set<string>;
  weak: Set<string>;
}

const SPEC = /^(-\w, )?--[\w-]+( <[^>]*>| \[[^\]]*\])?$/;
/** A flag; not one made up at run time (`--no-${name}`: the … that stands for an expression follows it). */
const FLAG = /(?<![\w-])--[a-zA-Z]\w*(-\w+)*(?![\w…-])/g;
const VUPLOAD = /(?<![\w.$/-])vupload(?= )/g;
/** What ends a command line inside a text: a code span, a shell separator, parentheses, the end of a sentence. */
const LINE_BREAK = /[`;|()]|&&|[.!?:](\s|$)|(?<!\\)\n/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.c?ts$/.test(entry.name) ? [path] : [];
  });
}

/** The text as printed: each `${…}` stands for the strings inside it (or X), so nested templates are read too. */
function flatText(node: ts.Node): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return (
      node.head.text + node.templateSpans.map((s) => flatExpression(s.expression) + s.literal.text).join('')
    );
  return flatExpression(node);
}
function flatExpression(node: ts.Node): string {
  const parts: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n))
      parts.push(flatText(n));
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return parts.length ? parts.join(' ') : '…';
}

/** The command path the words after `vupload` name ('' when none: the program). */
function exampleCommand(program: { words: (path: string) => string[] }, line: string): string {
  let path = '';
  for (const word of line.trim().split(/\s+/)) {
    if (program.words(path).includes(word)) path = path ? `${path} ${word}` : word;
  }
  return path;
}

/**
 * Every flag mention in src/. `subcommands(path)` lists the command words below a command path ('' for the
 * program, whose name is `programName`); the exports of `entry` are called from outside src/ (by bin/).
 */
export function findFlagMentions(
  repoRoot: string,
  options: { programName: string; entry: string; subcommands: (path: string) => string[] },
): FlagMention[] {
  const { programName, entry: entryModule, subcommands } = options;
  const srcRoot = join(repoRoot, 'src');
  const files = sourceFiles(srcRoot);
  const config = ts.getParsedCommandLineOfConfigFile(
    join(repoRoot, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    },
  );
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) =>
      ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!) : undefined,
    getCurrentDirectory: () => repoRoot,
    getCompilationSettings: () => config!.options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host);
  const program = service.getProgram()!;
  const checker = program.getTypeChecker();

  const nodeAt = (file: ts.SourceFile, pos: number): ts.Node | undefined => {
    let found: ts.Node | undefined;
    const visit = (n: ts.Node) => {
      if (pos >= n.getStart(file) && pos < n.getEnd()) {
        found = n;
        ts.forEachChild(n, visit);
      }
    };
    visit(file);
    return found;
  };
  const inDeclarationOnly = (n: ts.Node): boolean => {
    for (let a: ts.Node | undefined = n; a; a = a.parent)
      if (ts.isImportDeclaration(a) || ts.isExportDeclaration(a) || ts.isTypeNode(a)) return true;
    return false;
  };
  const references = (name: ts.Node): ts.Node[] => {
    const file = name.getSourceFile();
    const found: ts.Node[] = [];
    for (const symbol of service.findReferences(file.fileName, name.getStart(file)) ?? [])
      for (const ref of symbol.references) {
        if (ref.isDefinition) continue;
        const node = nodeAt(program.getSourceFile(ref.fileName)!, ref.textSpan.start);
        if (node && !inDeclarationOnly(node)) found.push(node);
      }
    return found;
  };
  /** The members of implemented interfaces a class method stands for: calls through them reach it too. */
  const interfaceMembers = (method: ts.MethodDeclaration): ts.Node[] => {
    const owner = method.parent;
    if (!ts.isClassDeclaration(owner) || !ts.isIdentifier(method.name)) return [];
    const members: ts.Node[] = [];
    for (const clause of owner.heritageClauses ?? [])
      for (const type of clause.types) {
        const property = checker.getTypeAtLocation(type).getProperty(method.name.text);
        const declaration = property?.declarations?.[0];
        if (declaration && 'name' in declaration) members.push(declaration.name as ts.Node);
      }
    return members;
  };

  /** The command path a commander chain starts from (`new Command('auth')`, `auth.command('login')`), if it is one. */
  const commandOf = (start: ts.Expression, depth = 0): string | undefined => {
    let expr = start;
    while (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr)) expr = expr.expression;
    if (depth > 20) return undefined;
    if (ts.isNewExpression(expr) && ts.isIdentifier(expr.expression) && expr.expression.text === 'Command') {
      const name = expr.arguments?.[0];
      if (!name || !ts.isStringLiteral(name)) return undefined;
      return name.text === programName ? '' : name.text;
    }
    if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression)) {
      if (expr.expression.name.text !== 'command') return commandOf(expr.expression.expression, depth + 1);
      const parent = commandOf(expr.expression.expression, depth + 1);
      const name = expr.arguments[0];
      if (parent === undefined || !name || !ts.isStringLiteral(name)) return undefined;
      const word = name.text.split(' ')[0]!;
      return parent ? `${parent} ${word}` : word;
    }
    // addUploadOptions(upload): a helper that returns the command it was given.
    if (ts.isCallExpression(expr) && ts.isIdentifier(expr.expression) && expr.arguments[0])
      return commandOf(expr.arguments[0], depth + 1);
    if (!ts.isIdentifier(expr)) return undefined;
    const declaration = checker.getSymbolAtLocation(expr)?.valueDeclaration;
    if (!declaration) return undefined;
    if (ts.isVariableDeclaration(declaration) && declaration.initializer)
      return commandOf(declaration.initializer, depth + 1);
    // A parameter that is a commander Command (`program: Command`), not any value the walk passes.
    if (
      !ts.isParameter(declaration) ||
      checker.getTypeAtLocation(declaration).getSymbol()?.getName() !== 'Command'
    )
      return undefined;
    // A parameter: what the callers pass; none call it (register(program, ctx) is called by the loader): the program.
    const fn = declaration.parent;
    if (!ts.isFunctionDeclaration(fn) || !fn.name) return undefined;
    const index = fn.parameters.indexOf(declaration);
    const calls = references(fn.name).filter(
      (r) => ts.isCallExpression(r.parent) && r.parent.expression === r,
    );
    if (calls.length === 0) return '';
    const paths = calls.map((c) => {
      const given = (c.parent as ts.CallExpression).arguments[index];
      return given ? commandOf(given, depth + 1) : undefined;
    });
    return paths.every((p) => p === paths[0]) ? paths[0] : undefined;
  };

  const memo = new Map<string, Contexts>();
  const active = new Set<string>();

  /** Follows the references of a declaration's name; `entry` is the table entry (property names) the text is in. */
  const viaReferences = (name: ts.Node, entry: string[], extra: ts.Node[] = []): Contexts => {
    const key = `${name.getSourceFile().fileName}:${name.getStart()}:${entry.join('.')}`;
    const known = memo.get(key);
    if (known) return known;
    const result: Contexts = { strong: new Set(), weak: new Set() };
    if (active.has(key)) return result;
    active.add(key);
    const refs = [...references(name), ...extra.flatMap((member) => references(member))];
    // The entry module's exports are called from outside (bin/vupload.cjs calls main): by the program. Others that
    // nothing in src/ refers to are printed by no command (tests use them).
    if (refs.length === 0 && name.getSourceFile().fileName === entryModule) result.strong.add('');
    for (const ref of refs) {
      let at: ts.Node = ref;
      let weak = false;
      let reads = true;
      for (const property of entry) {
        const parent = at.parent;
        if (ts.isPropertyAccessExpression(parent) && parent.expression === at) {
          if (parent.name.text !== property) reads = false;
        } else if (ts.isElementAccessExpression(parent) && parent.expression === at) {
          const key = parent.argumentExpression;
          if (ts.isStringLiteralLike(key)) {
            if (key.text !== property) reads = false;
          } else weak = true;
        } else weak = true;
        if (!reads || weak) break;
        at = parent;
      }
      if (!reads) continue;
      const found = contextsOf(at);
      for (const c of found.strong) (weak ? result.weak : result.strong).add(c);
      for (const c of found.weak) result.weak.add(c);
    }
    active.delete(key);
    memo.set(key, result);
    return result;
  };

  /** The commands that can print the text at `node`. */
  const contextsOf = (node: ts.Node): Contexts => {
    // While only object literals lie between the text and a constant or a function that is a value, the text is an
    // entry of a table (`{ invalidTitle: { hint: '…' } }`: invalidTitle.hint), and the constant is followed for that
    // entry. Once the text is used (an argument, an operand, a statement), there is no such entry any more.
    let entry: string[] | undefined = [];
    for (let child = node, n = node.parent; n; child = n, n = n.parent) {
      if (ts.isCallExpression(n)) {
        const base = ts.isPropertyAccessExpression(n.expression) ? n.expression.expression : n;
        const command = commandOf(base);
        if (command !== undefined) return { strong: new Set([command]), weak: new Set() };
      }
      if (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) {
        if (entry && child !== n.name) entry.unshift(n.name.getText());
        continue;
      }
      if (
        ts.isObjectLiteralExpression(n) ||
        ts.isArrayLiteralExpression(n) ||
        ts.isAsExpression(n) ||
        ts.isSatisfiesExpression(n) ||
        ts.isParenthesizedExpression(n)
      )
        continue;
      if (ts.isMethodDeclaration(n) && ts.isObjectLiteralExpression(n.parent)) {
        // A method of an object typed by an interface (a provider): called through the interface.
        const direct = viaReferences(n.name, []);
        if (direct.strong.size || direct.weak.size) return direct;
        entry = [n.name.getText()];
        continue;
      }
      if (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) {
        // A function stored as a value is followed where it is stored; a callback runs where it is given.
        entry = ts.isPropertyAssignment(n.parent) || ts.isVariableDeclaration(n.parent) ? [] : undefined;
        continue;
      }
      if (ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n))
        return viaReferences(n.name, [], ts.isMethodDeclaration(n) ? interfaceMembers(n) : []);
      if (ts.isFunctionDeclaration(n) && n.name) return viaReferences(n.name, []);
      if (ts.isConstructorDeclaration(n) && ts.isClassDeclaration(n.parent) && n.parent.name)
        return viaReferences(n.parent.name, []);
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && entry)
        return viaReferences(n.name, entry);
      entry = undefined;
    }
    return { strong: new Set(), weak: new Set() };
  };

  const mentions: FlagMention[] = [];
  const words = (path: string) => subcommands(path);
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    const visit = (node: ts.Node): void => {
      const isText =
        ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);
      if (!isText) {
        ts.forEachChild(node, visit);
        return;
      }
      const text = flatText(node);
      const flags = [...text.matchAll(FLAG)];
      if (flags.length === 0 || !/\s/.test(text) || SPEC.test(text)) return;
      const where = `${relative(srcRoot, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      let contexts: Contexts | undefined;
      for (const match of flags) {
        const before = text.slice(0, match.index);
        const starts = [...before.matchAll(VUPLOAD)];
        const last = starts.at(-1);
        const line = last ? before.slice(last.index + 'vupload'.length) : undefined;
        if (line !== undefined && !LINE_BREAK.test(line)) {
          mentions.push({
            where,
            text,
            flag: match[0],
            example: exampleCommand({ words }, line),
            printedBy: [],
            mayBePrintedBy: [],
          });
          continue;
        }
        contexts ??= contextsOf(node);
        mentions.push({
          where,
          text,
          flag: match[0],
          printedBy: [...contexts.strong],
          mayBePrintedBy: [...contexts.weak],
        });
      }
    };
    visit(source);
  }
  return mentions;
}
