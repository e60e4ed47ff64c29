sixplane: .*\(try 'sixplane --help'\)
