#pragma once
// Checks of generated markup shared by the report tests: a tiny XML well-formedness check and the
// inline <svg> elements of an HTML page.

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace pdoom_test {

// A tiny XML tokenizer: returns "" when `text` is well-formed enough for an SVG (every tag closed in
// order, attribute values quoted, no raw '<' or stray '&' in text or attributes), else what is wrong.
inline std::string xml_problem(const std::string& text) {
  std::vector<std::string> open;
  std::size_t i = 0;
  auto entity_ok = [&](std::size_t at) {
    const std::size_t end = text.find(';', at);
    if (end == std::string::npos || end - at > 8) return false;
    const std::string name = text.substr(at + 1, end - at - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return true;
    if (name.size() >= 2 && name[0] == '#') {
      return std::all_of(name.begin() + 1, name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    }
    return false;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '&') {
      if (!entity_ok(i)) return "bad entity at " + std::to_string(i);
      ++i;
      continue;
    }
    if (c == '>') return "raw '>' in text at " + std::to_string(i);
    if (c != '<') {
      ++i;
      continue;
    }
    const bool closing = i + 1 < text.size() && text[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    std::string name;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '-' || text[j] == ':')) {
      name += text[j++];
    }
    if (name.empty()) return "tag without a name at " + std::to_string(i);
    bool self_closing = false;
    // Attributes: name="value" pairs until '>' or '/>'.
    while (true) {
      while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
      if (j >= text.size()) return "unterminated tag " + name;
      if (text[j] == '>') {
        ++j;
        break;
      }
      if (text[j] == '/' && j + 1 < text.size() && text[j + 1] == '>' && !closing) {
        self_closing = true;
        j += 2;
        break;
      }
      if (closing) return "attribute in a closing tag " + name;
      std::string attribute;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '-' || text[j] == ':')) {
        attribute += text[j++];
      }
      if (attribute.empty() || j + 1 >= text.size() || text[j] != '=' || text[j + 1] != '"') {
        return "bad attribute in " + name + " at " + std::to_string(j);
      }
      j += 2;
      while (j < text.size() && text[j] != '"') {
        if (text[j] == '<') return "'<' in an attribute of " + name;
        if (text[j] == '&' && !entity_ok(j)) return "bad entity in an attribute of " + name;
        ++j;
      }
      if (j >= text.size()) return "unterminated attribute in " + name;
      ++j;
    }
    if (closing) {
      if (open.empty() || open.back() != name) return "unbalanced </" + name + ">";
      open.pop_back();
    } else if (!self_closing) {
      open.push_back(name);
    }
    i = j;
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  return "";
}

// Every <svg ...>...</svg> element in a document.
inline std::vector<std::string> svg_elements(const std::string& html) {
  std::vector<std::string> found;
  std::size_t at = 0;
  while ((at = html.find("<svg", at)) != std::string::npos) {
    const std::size_t end = html.find("</svg>", at);
    if (end == std::string::npos) break;
    found.push_back(html.substr(at, end + 6 - at));
    at = end + 6;
  }
  return found;
}

}  // namespace pdoom_test
