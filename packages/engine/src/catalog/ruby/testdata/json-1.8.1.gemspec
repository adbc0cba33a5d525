# -*- encoding: utf-8 -*-

Gem::Specification.new do |s|
  s.name = %q{json}
  s.version = "1.8.1"

  s.required_rubygems_version = Gem::Requirement.new(">= 0") if s.respond_to? :required_rubygems_version=
  s.authors = [%q{Florian Frank}]
  s.date = %q{2013-10-17}
  s.description = %q{This is a JSON implementation as a Ruby extension in C.}
  s.email = %q{flori@ping.de}
  s.extensions = [%q{ext/json/ext/generator/extconf.rb}, %q{ext/json/ext/parser/extconf.rb}]
  s.homepage = %q{http://flori.github.com/json}
  s.licenses = [%q{Ruby}]
  s.require_paths = [%q{lib}]
  s.rubygems_version = %q{1.8.11}
  s.summary = %q{JSON Implementation for Ruby}

  if s.respond_to? :specification_version then
    s.specification_version = 4
  end
end
